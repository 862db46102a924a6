package io.weft.pooler.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScramVerifierTest {
    @Test
    void fromPasswordUsesA16ByteSaltAnd4096IterationsAndRoundTrips() {
        ScramVerifier v = ScramVerifier.fromPassword("secret");
        assertEquals(4096, v.iterations());
        assertEquals(16, v.salt().length);
        assertEquals(32, v.storedKey().length);
        assertEquals(32, v.serverKey().length);
        String text = v.toString();
        assertTrue(text.startsWith("SCRAM-SHA-256$4096:"), text);
        ScramVerifier parsed = ScramVerifier.parse(text);
        assertEquals(v, parsed);
        assertEquals(v.hashCode(), parsed.hashCode());
        assertEquals(text, parsed.toString());
        // Fresh salt each time, so the same password gives another verifier.
        assertNotEquals(v, ScramVerifier.fromPassword("secret"));
    }

    @Test
    void sameSaltAndIterationsGiveTheSameVerifier() {
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        assertEquals(ScramVerifier.fromPassword("pencil", salt, 4096), ScramVerifier.fromPassword("pencil", salt, 4096));
        assertNotEquals(ScramVerifier.fromPassword("pencil", salt, 4096), ScramVerifier.fromPassword("pencil", salt, 4097));
        assertNotEquals(ScramVerifier.fromPassword("pencil", salt, 4096), ScramVerifier.fromPassword("Pencil", salt, 4096));
    }

    /**
     * pg_authid.rolpassword values PostgreSQL 15 computed (password_encryption scram-sha-256)
     * for roles created with these passwords: our math, SASLprep included, must give the same.
     */
    static Stream<Arguments> postgresqlVerifiers() {
        return Stream.of(
                // plain ASCII
                Arguments.of("secret",
                        "SCRAM-SHA-256$4096:BRQRvPWjairXOSjpYTV3FA==$x7J3NrczOOU2C/FNKw/Sc2beX4qWZgOST/SOMInu/7U=:7hT7nKsIHuobaGFuTuGv1xe1iS5c37ZjxU52kKHlD6Q="),
                Arguments.of("pencil",
                        "SCRAM-SHA-256$4096:JlpmwTEzXhkssD09sxoE0w==$jZkQ6L0kmKwtM6tvno/OheFtPCB9FLKRBYR+8eHu2a4=:S8f5gU80aFsvnjlWhajP24FyBIsB1CiIwAqU9yF4M4E="),
                // U+2168 ROMAN NUMERAL NINE: NFKC makes it "IX"
                Arguments.of("\u2168",
                        "SCRAM-SHA-256$4096:kDPYEy/JqFiRrGSmffBbJg==$AMcwQTaDcPmXiOLBRBN48FaU+XuTWdZM+l8lGa6k6uw=:Evxu+HVmsZLvnlQ6lzlAnDB3E3rYNtasHGZF0vuo7Vk="),
                // no-break space mapped to space, soft hyphen mapped to nothing
                Arguments.of("a\u00a0b\u00adc",
                        "SCRAM-SHA-256$4096:SWEplD+4RAkua55CB0MFfQ==$cYgcMZt4cSxbXXtR25J1xoJ1fRfmiUeVYZH3sQSkWA4=:hJxAbHI4a1m5nXounmGolVGoCbSpCqGrnOH/YwLi8w4="),
                // the fi ligature decomposed by NFKC
                Arguments.of("\ufb01n\u00e9",
                        "SCRAM-SHA-256$4096:c+HcOHSS07sISWPS/CFfDQ==$6vEBVaFAhOL0jwOYfIlvo5AXdqO0JzycAwGfXI2+ZIs=:zS8Un2th9VkHYqBTeLXLJ3I8alKRusmQOJhD1jPckn8="),
                // e + combining acute composed by NFKC
                Arguments.of("e\u0301t\u00e9",
                        "SCRAM-SHA-256$4096:cxgYQA87kKuZifhwI74oVw==$8/aWdz9+TD7XNq2e6NQFXsuFVZNXS4Fh6cYdTLk8mGw=:SNBgdxZLGE6KlFg8YURMri0Snev3/qRp9kVEfWm6Xwg="),
                // a control character is prohibited: the password is used as it is (no NFKC of the ligature)
                Arguments.of("\ufb01\u0007",
                        "SCRAM-SHA-256$4096:KJxRnkyN3G3EtYlHkAJ7hQ==$eGiaD9rfZTHcvCB/1rBV39bRyCeHgwc+uTVNCJJnYb0=:SnWt5JWzgU8HFApLGy/HaYRP5xv1ToWLyh5kI8RKSNc="),
                Arguments.of("\u00e9\u0007x",
                        "SCRAM-SHA-256$4096:INyJQRx7zuVFwhhhoubLDw==$/ED6Hw4RcDpyq51xcsCnTtr+h01wzOZQXm586VCbBlA=:mJPyp5gaeKqbVefgWaktGRIZbTRgLqmzN6L1rgifLPU="));
    }

    @ParameterizedTest
    @MethodSource("postgresqlVerifiers")
    void matchesVerifiersPostgresqlComputed(String password, String stored) {
        ScramVerifier parsed = ScramVerifier.parse(stored);
        assertEquals(4096, parsed.iterations());
        assertEquals(16, parsed.salt().length);
        assertEquals(stored, parsed.toString());
        assertEquals(parsed, ScramVerifier.fromPassword(password, parsed.salt(), parsed.iterations()));
    }

    @Test
    void saslPrepAsDocumented() {
        assertEquals("plain ascii\u0007", SaslPrep.prepare("plain ascii\u0007")); // ASCII untouched
        assertEquals("IX", SaslPrep.prepare("\u2168"));
        assertEquals("a bc", SaslPrep.prepare("a\u00a0b\u00adc"));
        assertEquals("fin\u00e9", SaslPrep.prepare("\ufb01ne\u0301"));
        assertEquals("\ufb01\u0007", SaslPrep.prepare("\ufb01\u0007")); // prohibited: as is
        assertEquals("\ue000x\u00e9", SaslPrep.prepare("\ue000x\u00e9")); // private use: as is
        assertEquals("\u00ad", SaslPrep.prepare("\u00ad")); // maps to nothing: as is
        // bidi rule: right-to-left characters mixed with left-to-right ones fail SASLprep
        assertEquals("\u05d0a\u05d1\u00e9", SaslPrep.prepare("\u05d0a\u05d1\u00e9"));
        assertEquals("\u05d0\u05d1", SaslPrep.prepare("\u05d0\u05d1"));
    }

    @Test
    void arraysAreCopiedInAndOut() {
        byte[] salt = {1, 2, 3, 4};
        ScramVerifier v = ScramVerifier.fromPassword("pw", salt, 10);
        salt[0] = 99;
        assertEquals(1, v.salt()[0]);
        v.salt()[0] = 42;
        v.storedKey()[0] ^= 1;
        assertEquals(1, v.salt()[0]);
        assertEquals(ScramVerifier.fromPassword("pw", new byte[] {1, 2, 3, 4}, 10), v);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "md5b86e5ba24c715f8b28df87aa95864881",
        "SCRAM-SHA-256$",
        "SCRAM-SHA-256$4096:BRQRvPWjairXOSjpYTV3FA==",
        "SCRAM-SHA-256$4096$x7J3NrczOOU2C/FNKw/Sc2beX4qWZgOST/SOMInu/7U=:7hT7nKsIHuobaGFuTuGv1xe1iS5c37ZjxU52kKHlD6Q=",
        "SCRAM-SHA-256$many:BRQRvPWjairXOSjpYTV3FA==$x7J3NrczOOU2C/FNKw/Sc2beX4qWZgOST/SOMInu/7U=:7hT7nKsIHuobaGFuTuGv1xe1iS5c37ZjxU52kKHlD6Q=",
        "SCRAM-SHA-256$0:BRQRvPWjairXOSjpYTV3FA==$x7J3NrczOOU2C/FNKw/Sc2beX4qWZgOST/SOMInu/7U=:7hT7nKsIHuobaGFuTuGv1xe1iS5c37ZjxU52kKHlD6Q=",
        "SCRAM-SHA-256$4096:$x7J3NrczOOU2C/FNKw/Sc2beX4qWZgOST/SOMInu/7U=:7hT7nKsIHuobaGFuTuGv1xe1iS5c37ZjxU52kKHlD6Q=",
        "SCRAM-SHA-256$4096:BRQR*PWjairXOSjpYTV3FA==$x7J3NrczOOU2C/FNKw/Sc2beX4qWZgOST/SOMInu/7U=:7hT7nKsIHuobaGFuTuGv1xe1iS5c37ZjxU52kKHlD6Q=",
        "SCRAM-SHA-256$4096:BRQRvPWjairXOSjpYTV3FA==$x7J3NrczOOU2C/FNKw/Sc2beX4qWZgOST/SOMInu:7hT7nKsIHuobaGFuTuGv1xe1iS5c37ZjxU52kKHlD6Q=",
        "SCRAM-SHA-256$4096:BRQRvPWjairXOSjpYTV3FA==$x7J3NrczOOU2C/FNKw/Sc2beX4qWZgOST/SOMInu/7U=",
        "SCRAM-SHA-256$4096:BRQRvPWjairXOSjpYTV3FA==:extra$x7J3NrczOOU2C/FNKw/Sc2beX4qWZgOST/SOMInu/7U=:7hT7nKsIHuobaGFuTuGv1xe1iS5c37ZjxU52kKHlD6Q=",
    })
    void parseRejectsMalformedTextWithAClearMessage(String s) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScramVerifier.parse(s));
        assertTrue(e.getMessage().contains("SCRAM-SHA-256"), e.getMessage());
    }

    @Test
    void parseRejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> ScramVerifier.parse(null));
    }

    @Test
    void isVerifierTellsByPrefix() {
        assertTrue(ScramVerifier.isVerifier(ScramVerifier.fromPassword("x").toString()));
        assertFalse(ScramVerifier.isVerifier("md5b86e5ba24c715f8b28df87aa95864881"));
        assertFalse(ScramVerifier.isVerifier(null));
    }

    @Test
    void constructorChecksItsParts() {
        byte[] k = new byte[32];
        assertThrows(IllegalArgumentException.class, () -> new ScramVerifier(0, new byte[] {1}, k, k));
        assertThrows(IllegalArgumentException.class, () -> new ScramVerifier(1, new byte[0], k, k));
        assertThrows(IllegalArgumentException.class, () -> new ScramVerifier(1, new byte[] {1}, new byte[31], k));
        assertArrayEquals(k, new ScramVerifier(1, new byte[] {1}, k, k).serverKey());
    }
}
