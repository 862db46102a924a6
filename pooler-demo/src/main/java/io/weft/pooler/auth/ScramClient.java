package io.weft.pooler.auth;

import io.weft.pooler.protocol.SqlState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677): the pooler logging in to
 * a PostgreSQL server. Like libpq it sends no channel binding (GS2 header {@code "n,,"}) and an
 * empty user name, since the StartupMessage named the user.
 *
 * <p>Use: send SASLInitialResponse ("SCRAM-SHA-256", {@link #clientFirst()}); give the data of
 * AuthenticationSASLContinue to {@link #handleServerFirst} and send its result as
 * SASLResponse; give the data of AuthenticationSASLFinal to {@link #verifyServerFinal}, which
 * proves the server knew the verifier.
 *
 * <p>Not thread-safe; one instance per exchange.
 */
public final class ScramClient {
    private final String gs2Header;
    private final String password;
    private final String clientNonce;
    private final String clientFirstBare;
    private byte[] expectedServerSignature;
    private boolean verified;

    public ScramClient(String password) {
        this(password, "", Scram.newNonce());
    }

    /** With a user name and a fixed client nonce, for test vectors. */
    ScramClient(String password, String user, String clientNonce) {
        this(password, user, clientNonce, "n,,");
    }

    /** With a GS2 header of its own too ("y,," says: I could bind, but the server cannot). */
    ScramClient(String password, String user, String clientNonce, String gs2Header) {
        this.gs2Header = gs2Header;
        this.password = Objects.requireNonNull(password, "password");
        if (!Scram.isPrintableNonce(clientNonce)) throw new IllegalArgumentException("bad client nonce");
        this.clientNonce = clientNonce;
        String saslName = Scram.latin1(user.getBytes(StandardCharsets.UTF_8)).replace("=", "=3D").replace(",", "=2C");
        this.clientFirstBare = "n=" + saslName + ",r=" + clientNonce;
    }

    /** The client-first-message: {@code n,,n=,r=<client nonce>}. */
    public byte[] clientFirst() {
        return Scram.latin1(gs2Header + clientFirstBare);
    }

    /**
     * Reads the server-first-message and returns the client-final-message with the proof.
     *
     * @throws AuthenticationException if the message is malformed, its nonce does not extend
     *     ours, or it requires an extension
     */
    public byte[] handleServerFirst(byte[] serverFirst) throws AuthenticationException {
        if (expectedServerSignature != null) throw new IllegalStateException("server-first-message already handled");
        String message = Scram.latin1(serverFirst);
        Scram.Reader r = new Scram.Reader(message, "server-first-message");
        if (r.peek() == 'm') {
            throw new AuthenticationException(SqlState.FEATURE_NOT_SUPPORTED,
                    "server requires an unsupported SCRAM extension");
        }
        String nonce = r.attribute('r');
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()
                || !Scram.isPrintableNonce(nonce)) {
            throw new AuthenticationException(SqlState.PROTOCOL_VIOLATION,
                    "SCRAM nonce mismatch: the server's nonce does not extend the client's");
        }
        r.expectComma();
        byte[] salt = r.base64Attribute('s', "the salt");
        if (salt.length == 0) throw Scram.malformed("the salt in the server-first-message is empty");
        r.expectComma();
        String iter = r.attribute('i');
        int iterations;
        try {
            iterations = Integer.parseInt(iter);
        } catch (NumberFormatException e) {
            throw Scram.malformed("the iteration count \"" + iter + "\" is not a number");
        }
        if (iterations < 1) throw Scram.malformed("the iteration count " + iterations + " is not positive");
        // Extensions after i= are allowed and ignored; they are part of the AuthMessage as sent.

        String withoutProof = "c=" + Scram.base64(Scram.latin1(gs2Header)) + ",r=" + nonce;
        byte[] authMessage = Scram.latin1(clientFirstBare + "," + message + "," + withoutProof);
        byte[] salted = Scram.saltedPassword(password, salt, iterations);
        byte[] clientKey = Scram.clientKey(salted);
        byte[] clientSignature = Scram.hmac(Scram.sha256(clientKey), authMessage);
        byte[] proof = Scram.xor(clientKey, clientSignature);
        expectedServerSignature = Scram.hmac(Scram.serverKey(salted), authMessage);
        return Scram.latin1(withoutProof + ",p=" + Scram.base64(proof));
    }

    /**
     * Checks the server-final-message: its signature proves the server knows the verifier.
     *
     * @throws AuthenticationException if the server reported an error ({@code e=...}), the
     *     signature is wrong, or the message is malformed
     */
    public void verifyServerFinal(byte[] serverFinal) throws AuthenticationException {
        if (expectedServerSignature == null) throw new IllegalStateException("server-final-message out of turn");
        if (verified) throw new IllegalStateException("server-final-message already verified");
        Scram.Reader r = new Scram.Reader(Scram.latin1(serverFinal), "server-final-message");
        if (r.peek() == 'e') {
            throw new AuthenticationException("the server rejected the SCRAM exchange: " + r.attribute('e'));
        }
        byte[] signature = r.base64Attribute('v', "the server signature");
        if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
            throw new AuthenticationException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "SCRAM server signature is wrong: the server does not know this user's verifier");
        }
        verified = true;
    }

    /** Whether {@link #verifyServerFinal} accepted the server's signature. */
    public boolean isVerified() {
        return verified;
    }
}
