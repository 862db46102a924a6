package io.weft.pooler.session;

import io.weft.pooler.auth.AuthenticationException;
import io.weft.pooler.auth.Md5;
import io.weft.pooler.auth.ScramServer;
import io.weft.pooler.auth.ScramVerifier;
import io.weft.pooler.config.AuthMethod;
import io.weft.pooler.protocol.PgReader;
import io.weft.pooler.protocol.PgWriter;
import io.weft.pooler.protocol.ProtocolException;
import io.weft.pooler.protocol.SqlState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates a client against the users file with auth_method or the method of its hba line,
 * as PostgreSQL would: trust, password (cleartext), md5, or SCRAM-SHA-256. A stored password may be plain
 * text, an md5 hash ({@code md5...}) or a SCRAM verifier ({@code SCRAM-SHA-256$...}); md5
 * needs plain text or an md5 hash, SCRAM needs plain text or a verifier.
 */
final class ClientAuthenticator {
    private final AuthMethod method;
    private final Map<String, String> users;
    /** PBKDF2 with 4096 iterations costs milliseconds: derive each user's verifier once. */
    private final Map<String, ScramVerifier> verifiers = new ConcurrentHashMap<>();

    ClientAuthenticator(AuthMethod method, Map<String, String> users) {
        this.method = method;
        this.users = users;
    }

    /** Runs the exchange with auth_method; on failure throws {@link AuthFailure} carrying the FATAL text. */
    void authenticate(String user, PgReader in, PgWriter out) throws IOException {
        authenticate(method, user, in, out);
    }

    /** Runs the exchange with {@code method} (the matching hba line's); throws {@link AuthFailure} on failure. */
    void authenticate(AuthMethod method, String user, PgReader in, PgWriter out) throws IOException {
        String stored = users.get(user);
        switch (method) {
            case TRUST -> { }
            case PASSWORD -> {
                out.authenticationCleartextPassword();
                out.flush();
                String given = readPassword(in);
                if (stored == null || !matchesPlain(stored, user, given)) throw failed(user);
            }
            case MD5 -> {
                if (ScramVerifier.isVerifier(stored)) {
                    throw new AuthFailure(SqlState.INVALID_PASSWORD, "password authentication failed for user \""
                            + user + "\": its password is stored as a SCRAM verifier, which md5 cannot use");
                }
                byte[] salt = Md5.newSalt();
                out.authenticationMd5Password(salt);
                out.flush();
                String response = readPassword(in);
                if (stored == null || !Md5.verify(stored, user, salt, response)) throw failed(user);
            }
            case SCRAM_SHA_256 -> scram(user, stored, in, out);
        }
    }

    private void scram(String user, String stored, PgReader in, PgWriter out) throws IOException {
        if (Md5.isMd5Hash(stored)) {
            throw new AuthFailure(SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + user
                    + "\": its password is stored as an md5 hash, which SCRAM cannot use");
        }
        // An unknown user still goes through the exchange with a throwaway verifier, so the
        // failure looks the same as a wrong password (PostgreSQL does the same).
        ScramVerifier verifier = stored == null ? ScramVerifier.fromPassword(Long.toString(System.nanoTime()))
                : verifiers.computeIfAbsent(user, u -> ScramVerifier.isVerifier(stored)
                        ? ScramVerifier.parse(stored) : ScramVerifier.fromPassword(stored));
        ScramServer server = new ScramServer(verifier);
        out.authenticationSasl("SCRAM-SHA-256");
        out.flush();
        expectPasswordMessage(in);
        String mechanism = in.cstring(0);
        if (!mechanism.equals("SCRAM-SHA-256")) {
            throw new AuthFailure(SqlState.PROTOCOL_VIOLATION, "client selected an invalid SASL authentication mechanism");
        }
        int at = in.cstringEnd(0);
        int len = in.int32(at);
        if (len < 0 || at + 4 + len > in.length()) {
            throw new ProtocolException("malformed SASLInitialResponse");
        }
        try {
            byte[] first = Arrays.copyOfRange(in.payload(), at + 4, at + 4 + len);
            out.authenticationSaslContinue(server.handleClientFirst(first));
            out.flush();
            expectPasswordMessage(in);
            byte[] fin = Arrays.copyOf(in.payload(), in.length());
            byte[] serverFinal = server.handleClientFinal(fin);
            if (stored == null) throw failed(user);
            out.authenticationSaslFinal(serverFinal);
        } catch (AuthenticationException e) {
            throw failed(user);
        }
    }

    private static boolean matchesPlain(String stored, String user, String given) {
        if (Md5.isMd5Hash(stored)) {
            return constantTimeEquals(stored, Md5.passwordHash(given, user));
        }
        if (ScramVerifier.isVerifier(stored)) {
            ScramVerifier v = ScramVerifier.parse(stored);
            ScramVerifier g = ScramVerifier.fromPassword(given, v.salt(), v.iterations());
            return MessageDigest.isEqual(v.storedKey(), g.storedKey());
        }
        return constantTimeEquals(stored, given);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String readPassword(PgReader in) throws IOException {
        expectPasswordMessage(in);
        return in.cstring(0);
    }

    private static void expectPasswordMessage(PgReader in) throws IOException {
        if (!in.next()) throw new java.io.EOFException("client closed the connection during authentication");
        if (in.type() != 'p') {
            throw new ProtocolException("expected a password message ('p') during authentication, got '"
                    + (char) in.type() + "'");
        }
    }

    private static AuthFailure failed(String user) {
        return new AuthFailure(SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + user + "\"");
    }

    /** Authentication failed: the client gets FATAL with this SQLSTATE and text. */
    static final class AuthFailure extends IOException {
        private static final long serialVersionUID = 1L;
        final String sqlState;

        AuthFailure(String sqlState, String message) {
            super(message);
            this.sqlState = sqlState;
        }
    }
}
