package io.weft.pooler.auth;

import io.weft.pooler.protocol.SqlState;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) as PostgreSQL runs it:
 * without channel binding (the pooler offers only SCRAM-SHA-256, never -PLUS), and with the
 * user name of the client-first-message ignored, since the StartupMessage named the user.
 *
 * <p>Use: send AuthenticationSASL; give the SASLInitialResponse data to
 * {@link #handleClientFirst} and send its result in AuthenticationSASLContinue; give the
 * SASLResponse data to {@link #handleClientFinal} and send its result in
 * AuthenticationSASLFinal, then AuthenticationOk. Any {@link AuthenticationException} ends the
 * exchange; report it as FATAL with its {@link AuthenticationException#sqlState()}.
 *
 * <p>To avoid telling which users exist, run the exchange for an unknown user against
 * {@code ScramVerifier.fromPassword} of a random password: it fails at the proof like a wrong
 * password does.
 *
 * <p>Not thread-safe; one instance per exchange.
 */
public final class ScramServer {
    private enum Stage { FIRST, FINAL, DONE }

    private final ScramVerifier verifier;
    private final String serverNonce;
    private Stage stage = Stage.FIRST;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;

    public ScramServer(ScramVerifier verifier) {
        this(verifier, Scram.newNonce());
    }

    /** With a fixed server nonce, for test vectors. */
    ScramServer(ScramVerifier verifier, String serverNonce) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        if (!Scram.isPrintableNonce(serverNonce)) throw new IllegalArgumentException("bad server nonce");
        this.serverNonce = serverNonce;
    }

    /**
     * Reads the client-first-message and returns the server-first-message
     * ({@code r=<client nonce><server nonce>,s=<salt>,i=<iterations>}).
     *
     * @throws AuthenticationException if the message is malformed or asks for channel binding,
     *     an authorization identity or a mandatory extension
     */
    public byte[] handleClientFirst(byte[] clientFirstMessage) throws AuthenticationException {
        if (stage != Stage.FIRST) throw new IllegalStateException("client-first-message already handled");
        stage = Stage.DONE; // until it succeeds
        Scram.Reader r = new Scram.Reader(Scram.latin1(clientFirstMessage), "client-first-message");
        char flag = r.peek();
        switch (flag) {
            case 'n', 'y' -> r.skip();
            case 'p' -> throw new AuthenticationException(SqlState.PROTOCOL_VIOLATION,
                    "client selected SCRAM channel binding (SCRAM-SHA-256-PLUS), which was not offered");
            default -> throw Scram.malformed("the client-first-message must begin with a channel binding flag"
                    + " 'n', 'y' or 'p'");
        }
        r.expectComma();
        if (r.peek() == 'a') {
            throw new AuthenticationException(SqlState.FEATURE_NOT_SUPPORTED,
                    "client uses an authorization identity in SCRAM, which is not supported");
        }
        r.expectComma();
        gs2Header = r.substring(0, r.pos());
        int bareStart = r.pos();
        if (r.peek() == 'm') {
            throw new AuthenticationException(SqlState.FEATURE_NOT_SUPPORTED,
                    "client requires an unsupported SCRAM extension");
        }
        r.attribute('n'); // the user name: PostgreSQL ignores it, the StartupMessage named the user
        r.expectComma();
        String clientNonce = r.attribute('r');
        if (!Scram.isPrintableNonce(clientNonce)) {
            throw Scram.malformed("the client nonce is empty or has characters other than printable ASCII");
        }
        while (!r.atEnd()) { // optional extensions
            r.expectComma();
            r.anyAttributeName();
            r.value();
        }
        clientFirstBare = r.substring(bareStart, clientFirstMessage.length);
        nonce = clientNonce + serverNonce;
        serverFirst = "r=" + nonce + ",s=" + Scram.base64(verifier.salt()) + ",i=" + verifier.iterations();
        stage = Stage.FINAL;
        return Scram.latin1(serverFirst);
    }

    /**
     * Reads the client-final-message, checks the channel binding, the nonce and the proof, and
     * returns the server-final-message ({@code v=<ServerSignature>}).
     *
     * @throws AuthenticationException if the proof is wrong (the password is wrong; SQLSTATE
     *     28P01), the nonce or channel binding data do not match, or the message is malformed
     */
    public byte[] handleClientFinal(byte[] clientFinalMessage) throws AuthenticationException {
        if (stage != Stage.FINAL) throw new IllegalStateException("client-final-message out of turn");
        stage = Stage.DONE;
        String message = Scram.latin1(clientFinalMessage);
        Scram.Reader r = new Scram.Reader(message, "client-final-message");
        byte[] cbind = r.base64Attribute('c', "the channel binding data");
        if (!MessageDigest.isEqual(cbind, Scram.latin1(gs2Header))) {
            throw new AuthenticationException(SqlState.PROTOCOL_VIOLATION,
                    "SCRAM channel binding check failed: the client-final-message does not repeat the GS2 header");
        }
        r.expectComma();
        String finalNonce = r.attribute('r');
        if (!finalNonce.equals(nonce)) {
            throw new AuthenticationException(SqlState.PROTOCOL_VIOLATION,
                    "SCRAM nonce mismatch: the client-final-message does not carry the nonce of this exchange");
        }
        int proofAt;
        for (;;) {
            if (r.atEnd()) throw Scram.malformed("the client-final-message has no proof (\"p=\")");
            r.expectComma();
            proofAt = r.pos();
            char name = r.anyAttributeName();
            String value = r.value();
            if (name == 'p') {
                if (!r.atEnd()) throw Scram.malformed("the proof must be the last attribute of the client-final-message");
                byte[] proof = r.decodeBase64(value, "the client proof");
                if (proof.length != Scram.KEY_LENGTH) {
                    throw Scram.malformed("the client proof has " + proof.length + " bytes, not " + Scram.KEY_LENGTH);
                }
                String withoutProof = message.substring(0, proofAt - 1);
                byte[] authMessage = Scram.latin1(clientFirstBare + "," + serverFirst + "," + withoutProof);
                byte[] storedKey = verifier.storedKey();
                byte[] clientKey = Scram.xor(proof, Scram.hmac(storedKey, authMessage));
                if (!MessageDigest.isEqual(Scram.sha256(clientKey), storedKey)) {
                    throw new AuthenticationException(SqlState.INVALID_PASSWORD,
                            "password authentication failed: wrong SCRAM-SHA-256 proof");
                }
                return Scram.latin1("v=" + Scram.base64(Scram.hmac(verifier.serverKey(), authMessage)));
            }
        }
    }
}
