package io.weft.pooler.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Md5Test {
    // Expected values computed independently:
    //   echo -n secretpostgres | md5sum                      -> 53f48b7c...
    //   (echo -n 53f48b7c...; printf '\x01\x02\x03\x04') | md5sum -> bb41a296...
    // and pg_authid.rolpassword of role u_md5 created on PostgreSQL 15 with password 'secret'.
    static final byte[] SALT_1234 = {1, 2, 3, 4};
    static final byte[] SALT_DEADBEEF = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef};

    @Test
    void passwordHashMatchesMd5sumAndPostgresql() {
        assertEquals("md553f48b7c4b76a86ce72276c5755f217d", Md5.passwordHash("secret", "postgres"));
        assertEquals("md5b86e5ba24c715f8b28df87aa95864881", Md5.passwordHash("secret", "u_md5"));
    }

    @Test
    void challengeResponseFromPlainPasswordOrStoredHash() {
        assertEquals("md5bb41a296aab6baccb36ff243a562abff", Md5.challengeResponse("secret", "postgres", SALT_1234));
        assertEquals("md5bb41a296aab6baccb36ff243a562abff",
                Md5.challengeResponse("md553f48b7c4b76a86ce72276c5755f217d", "postgres", SALT_1234));
        assertEquals("md5c546d0bbed2af888b328536b45c76348", Md5.challengeResponse("secret", "postgres", SALT_DEADBEEF));
        assertThrows(IllegalArgumentException.class, () -> Md5.challengeResponse("secret", "postgres", new byte[3]));
    }

    @Test
    void verifyAcceptsTheRightAnswerOnly() {
        String answer = "md5bb41a296aab6baccb36ff243a562abff";
        assertTrue(Md5.verify("md553f48b7c4b76a86ce72276c5755f217d", "postgres", SALT_1234, answer));
        assertTrue(Md5.verify("secret", "postgres", SALT_1234, answer));
        assertFalse(Md5.verify("secret", "postgres", SALT_DEADBEEF, answer)); // another salt
        assertFalse(Md5.verify("secret", "postgre", SALT_1234, answer)); // another user
        assertFalse(Md5.verify("Secret", "postgres", SALT_1234, answer));
        assertFalse(Md5.verify("secret", "postgres", SALT_1234, answer.toUpperCase()));
        assertFalse(Md5.verify("secret", "postgres", SALT_1234, answer + "0"));
        assertFalse(Md5.verify("secret", "postgres", SALT_1234, null));
        assertFalse(Md5.verify(null, "postgres", SALT_1234, answer));
        // A SCRAM verifier cannot answer an md5 challenge.
        String scram = ScramVerifier.fromPassword("secret").toString();
        assertFalse(Md5.verify(scram, "postgres", SALT_1234, Md5.challengeResponse(scram, "postgres", SALT_1234)));
    }

    @Test
    void isMd5Hash() {
        assertTrue(Md5.isMd5Hash("md553f48b7c4b76a86ce72276c5755f217d"));
        assertFalse(Md5.isMd5Hash("md553F48B7C4B76A86CE72276C5755F217D"));
        assertFalse(Md5.isMd5Hash("md553f48b7c4b76a86ce72276c5755f217"));
        assertFalse(Md5.isMd5Hash("xx553f48b7c4b76a86ce72276c5755f217d"));
        assertFalse(Md5.isMd5Hash("secret"));
        assertFalse(Md5.isMd5Hash(null));
    }

    @Test
    void newSaltIsFourRandomBytes() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            byte[] s = Md5.newSalt();
            assertEquals(4, s.length);
            seen.add((s[0] & 0xff) << 24 | (s[1] & 0xff) << 16 | (s[2] & 0xff) << 8 | (s[3] & 0xff));
        }
        assertTrue(seen.size() > 1, "20 salts were all equal");
    }
}
