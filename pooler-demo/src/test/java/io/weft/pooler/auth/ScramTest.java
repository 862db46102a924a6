package io.weft.pooler.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.protocol.SqlState;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramTest {
    // RFC 7677, section 3: user "user", password "pencil".
    static final String RFC_CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    static final String RFC_SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    static final String RFC_SALT = "W22ZaJ0SNY7soEsUEjb6gQ==";
    static final String RFC_CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    static final String RFC_SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    static final String RFC_CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    static final String RFC_SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static ScramVerifier rfcVerifier() {
        return ScramVerifier.fromPassword("pencil", Base64.getDecoder().decode(RFC_SALT), 4096);
    }

    @Test
    void rfc7677TestVectorEndToEnd() throws Exception {
        ScramClient client = new ScramClient("pencil", "user", RFC_CLIENT_NONCE);
        ScramServer server = new ScramServer(rfcVerifier(), RFC_SERVER_NONCE);

        byte[] clientFirst = client.clientFirst();
        assertEquals(RFC_CLIENT_FIRST, s(clientFirst));
        byte[] serverFirst = server.handleClientFirst(clientFirst);
        assertEquals(RFC_SERVER_FIRST, s(serverFirst));
        byte[] clientFinal = client.handleServerFirst(serverFirst);
        assertEquals(RFC_CLIENT_FINAL, s(clientFinal));
        byte[] serverFinal = server.handleClientFinal(clientFinal);
        assertEquals(RFC_SERVER_FINAL, s(serverFinal));
        client.verifyServerFinal(serverFinal);
        assertTrue(client.isVerified());
    }

    @Test
    void rfc7677VectorEachSideAlone() throws Exception {
        // The server fed the RFC's client messages verbatim, the client the RFC's server messages.
        ScramServer server = new ScramServer(rfcVerifier(), RFC_SERVER_NONCE);
        assertEquals(RFC_SERVER_FIRST, s(server.handleClientFirst(b(RFC_CLIENT_FIRST))));
        assertEquals(RFC_SERVER_FINAL, s(server.handleClientFinal(b(RFC_CLIENT_FINAL))));

        ScramClient client = new ScramClient("pencil", "user", RFC_CLIENT_NONCE);
        assertEquals(RFC_CLIENT_FINAL, s(client.handleServerFirst(b(RFC_SERVER_FIRST))));
        assertDoesNotThrow(() -> client.verifyServerFinal(b(RFC_SERVER_FINAL)));
    }

    @Test
    void clientAgainstServerWithRandomNonces() throws Exception {
        ScramVerifier v = ScramVerifier.fromPassword("correct horse battery staple");
        ScramClient client = new ScramClient("correct horse battery staple");
        ScramServer server = new ScramServer(v);

        String clientFirst = s(client.clientFirst());
        assertTrue(clientFirst.startsWith("n,,n=,r="), clientFirst); // like libpq: no user name
        String clientNonce = clientFirst.substring("n,,n=,r=".length());
        assertEquals(24, clientNonce.length()); // 18 random bytes in base64

        String serverFirst = s(server.handleClientFirst(b(clientFirst)));
        String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
        assertTrue(nonce.startsWith(clientNonce) && nonce.length() > clientNonce.length(), serverFirst);
        assertTrue(serverFirst.endsWith(",s=" + Base64.getEncoder().encodeToString(v.salt()) + ",i=4096"));

        byte[] serverFinal = server.handleClientFinal(client.handleServerFirst(b(serverFirst)));
        client.verifyServerFinal(serverFinal);
        assertTrue(client.isVerified());

        // Two exchanges never share nonces.
        assertNotEquals(clientFirst, s(new ScramClient("x").clientFirst()));
    }

    @Test
    void nonAsciiPasswordAndUserNameWithEscapes() throws Exception {
        ScramVerifier v = ScramVerifier.fromPassword("p\u00e4ss\u00a0w\u00f6rd\u2168");
        ScramClient client = new ScramClient("p\u00e4ss w\u00f6rdIX", "a,b=c\u00e9", "abcdef");
        assertEquals("n,,n=a=2Cb=3Dc\u00e9,r=abcdef", s(client.clientFirst()));
        ScramServer server = new ScramServer(v);
        // SASLprep maps the no-break space to a space and NFKC turns U+2168 into "IX".
        client.verifyServerFinal(server.handleClientFinal(client.handleServerFirst(
                server.handleClientFirst(client.clientFirst()))));
        assertTrue(client.isVerified());
    }

    @Test
    void yFlagWithoutChannelBindingIsAccepted() throws Exception {
        ScramClient client = new ScramClient("pw", "", "nonceY", "y,,");
        ScramServer server = new ScramServer(ScramVerifier.fromPassword("pw"));
        byte[] clientFinal = client.handleServerFirst(server.handleClientFirst(client.clientFirst()));
        assertTrue(s(clientFinal).startsWith("c=eSws,"), s(clientFinal)); // base64("y,,")
        client.verifyServerFinal(server.handleClientFinal(clientFinal));
    }

    @Test
    void wrongPasswordIsRejected() throws Exception {
        ScramClient client = new ScramClient("wrong");
        ScramServer server = new ScramServer(ScramVerifier.fromPassword("right"));
        byte[] clientFinal = client.handleServerFirst(server.handleClientFirst(client.clientFirst()));
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> server.handleClientFinal(clientFinal));
        assertEquals(SqlState.INVALID_PASSWORD, e.sqlState());
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
    }

    @Test
    void tamperedProofIsRejected() throws Exception {
        ScramServer server = new ScramServer(rfcVerifier(), RFC_SERVER_NONCE);
        server.handleClientFirst(b(RFC_CLIENT_FIRST));
        byte[] proof = Base64.getDecoder().decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        proof[7] ^= 1;
        String tampered = RFC_CLIENT_FINAL.substring(0, RFC_CLIENT_FINAL.indexOf(",p=") + 3)
                + Base64.getEncoder().encodeToString(proof);
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> server.handleClientFinal(b(tampered)));
        assertEquals(SqlState.INVALID_PASSWORD, e.sqlState());
    }

    @Test
    void tamperedNonceIsRejected() throws Exception {
        ScramServer server = new ScramServer(rfcVerifier(), RFC_SERVER_NONCE);
        server.handleClientFirst(b(RFC_CLIENT_FIRST));
        String tampered = RFC_CLIENT_FINAL.replace("hNlF$k0", "hNlF$k1");
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> server.handleClientFinal(b(tampered)));
        assertTrue(e.getMessage().contains("nonce mismatch"), e.getMessage());
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.sqlState());

        // A replay of the RFC's messages against a server with a fresh nonce fails the same way.
        ScramServer fresh = new ScramServer(rfcVerifier());
        fresh.handleClientFirst(b(RFC_CLIENT_FIRST));
        assertThrows(AuthenticationException.class, () -> fresh.handleClientFinal(b(RFC_CLIENT_FINAL)));
    }

    @Test
    void clientRejectsAServerNonceThatDoesNotExtendItsOwn() {
        ScramClient client = new ScramClient("pencil", "user", RFC_CLIENT_NONCE);
        assertThrows(AuthenticationException.class, () -> client.handleServerFirst(
                b(RFC_SERVER_FIRST.replace("r=rOprNGfwEbeRWgbNEkqO", "r=XOprNGfwEbeRWgbNEkqO"))));
        ScramClient again = new ScramClient("pencil", "user", RFC_CLIENT_NONCE);
        assertThrows(AuthenticationException.class, () -> again.handleServerFirst(
                b("r=" + RFC_CLIENT_NONCE + ",s=" + RFC_SALT + ",i=4096"))); // nothing added
    }

    @Test
    void clientRejectsAWrongServerSignatureOrAServerError() throws Exception {
        ScramClient client = new ScramClient("pencil", "user", RFC_CLIENT_NONCE);
        client.handleServerFirst(b(RFC_SERVER_FIRST));
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> client.verifyServerFinal(b("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
        assertTrue(e.getMessage().contains("server signature"), e.getMessage());
        assertFalse(client.isVerified());
        AuthenticationException error = assertThrows(AuthenticationException.class,
                () -> client.verifyServerFinal(b("e=invalid-proof")));
        assertTrue(error.getMessage().contains("invalid-proof"), error.getMessage());
        assertThrows(AuthenticationException.class, () -> client.verifyServerFinal(b("x=1")));
        assertThrows(AuthenticationException.class, () -> client.verifyServerFinal(b("v=not base64!")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "x,,n=,r=abc",
        "n",
        "n,n=,r=abc",
        "n,,r=abc",
        "n,,n=",
        "n,,n=,r=",
        "n,,n=,r=a b",
        "n,,n=,r=abc,",
        "n,,n=,r=abc,junk",
        "n,,n=;r=abc",
        "p=tls-server-end-point,,n=,r=abc",
        "n,a=admin,n=,r=abc",
        "n,,m=ext,n=,r=abc",
    })
    void malformedClientFirstIsRejected(String message) {
        ScramServer server = new ScramServer(rfcVerifier());
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> server.handleClientFirst(b(message)));
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void channelBindingAuthzidAndExtensionsAreRefusedWithAClearMessage() {
        AuthenticationException plus = assertThrows(AuthenticationException.class,
                () -> new ScramServer(rfcVerifier()).handleClientFirst(b("p=tls-server-end-point,,n=,r=abc")));
        assertTrue(plus.getMessage().contains("SCRAM-SHA-256-PLUS"), plus.getMessage());
        AuthenticationException authzid = assertThrows(AuthenticationException.class,
                () -> new ScramServer(rfcVerifier()).handleClientFirst(b("n,a=admin,n=,r=abc")));
        assertTrue(authzid.getMessage().contains("authorization identity"), authzid.getMessage());
        AuthenticationException ext = assertThrows(AuthenticationException.class,
                () -> new ScramServer(rfcVerifier()).handleClientFirst(b("n,,m=ext,n=,r=abc")));
        assertTrue(ext.getMessage().contains("extension"), ext.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "c=biws",
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=!!!notbase64",
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+",
        "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,x=1",
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,=,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    })
    void malformedClientFinalIsRejected(String message) throws Exception {
        ScramServer server = new ScramServer(rfcVerifier(), RFC_SERVER_NONCE);
        server.handleClientFirst(b(RFC_CLIENT_FIRST));
        assertThrows(AuthenticationException.class, () -> server.handleClientFinal(b(message)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "r=rOprNGfwEbeRWgbNEkqOabc",
        "r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==",
        "r=rOprNGfwEbeRWgbNEkqOabc,s=***,i=4096",
        "r=rOprNGfwEbeRWgbNEkqOabc,s=,i=4096",
        "r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=zero",
        "r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",
        "m=ext,r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
        "s=W22ZaJ0SNY7soEsUEjb6gQ==,r=rOprNGfwEbeRWgbNEkqOabc,i=4096",
    })
    void malformedServerFirstIsRejected(String message) {
        ScramClient client = new ScramClient("pencil", "user", RFC_CLIENT_NONCE);
        assertThrows(AuthenticationException.class, () -> client.handleServerFirst(b(message)));
    }

    @Test
    void messagesOutOfTurnAreProgrammingErrors() throws Exception {
        ScramServer server = new ScramServer(rfcVerifier(), RFC_SERVER_NONCE);
        assertThrows(IllegalStateException.class, () -> server.handleClientFinal(b(RFC_CLIENT_FINAL)));
        server.handleClientFirst(b(RFC_CLIENT_FIRST));
        assertThrows(IllegalStateException.class, () -> server.handleClientFirst(b(RFC_CLIENT_FIRST)));
        server.handleClientFinal(b(RFC_CLIENT_FINAL));
        assertThrows(IllegalStateException.class, () -> server.handleClientFinal(b(RFC_CLIENT_FINAL)));

        ScramClient client = new ScramClient("pencil");
        assertThrows(IllegalStateException.class, () -> client.verifyServerFinal(b(RFC_SERVER_FINAL)));
    }

    @Test
    void aFailedExchangeCannotBeContinued() {
        ScramServer server = new ScramServer(rfcVerifier(), RFC_SERVER_NONCE);
        assertThrows(AuthenticationException.class, () -> server.handleClientFirst(b("garbage")));
        assertThrows(IllegalStateException.class, () -> server.handleClientFirst(b(RFC_CLIENT_FIRST)));
        assertThrows(IllegalStateException.class, () -> server.handleClientFinal(b(RFC_CLIENT_FINAL)));
    }

    @Test
    void serverWorksFromAVerifierPostgresqlStored() throws Exception {
        // pg_authid.rolpassword of a role created with PASSWORD 'pencil' on PostgreSQL 15.
        ScramVerifier v = ScramVerifier.parse("SCRAM-SHA-256$4096:JlpmwTEzXhkssD09sxoE0w==$"
                + "jZkQ6L0kmKwtM6tvno/OheFtPCB9FLKRBYR+8eHu2a4=:S8f5gU80aFsvnjlWhajP24FyBIsB1CiIwAqU9yF4M4E=");
        ScramClient good = new ScramClient("pencil");
        ScramServer server = new ScramServer(v);
        good.verifyServerFinal(server.handleClientFinal(good.handleServerFirst(server.handleClientFirst(
                good.clientFirst()))));
        assertTrue(good.isVerified());

        ScramClient bad = new ScramClient("pencil2");
        ScramServer server2 = new ScramServer(v);
        byte[] finalMessage = bad.handleServerFirst(server2.handleClientFirst(bad.clientFirst()));
        assertThrows(AuthenticationException.class, () -> server2.handleClientFinal(finalMessage));
    }

    @Test
    void serverFirstCarriesTheVerifiersSaltAndIterations() throws Exception {
        byte[] salt = new byte[] {1, 2, 3, 4, 5};
        ScramServer server = new ScramServer(ScramVerifier.fromPassword("x", salt, 17), "SRV");
        assertArrayEquals(b("r=abcSRV,s=AQIDBAU=,i=17"), server.handleClientFirst(b("n,,n=someone,r=abc")));
    }
}
