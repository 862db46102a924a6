package io.weft.pooler.auth;

import io.weft.pooler.protocol.SqlState;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 arithmetic of RFC 5802 / RFC 7677 and a reader of its attribute=value
 * messages, shared by {@link ScramServer}, {@link ScramClient} and {@link ScramVerifier}.
 *
 * <p>Messages are handled as ISO-8859-1 strings, one char per byte, so that the AuthMessage
 * hashed is exactly the bytes that crossed the wire whatever their encoding; every character
 * SCRAM's syntax relies on is ASCII.
 */
final class Scram {
    static final String MECHANISM = "SCRAM-SHA-256";
    static final int KEY_LENGTH = 32;
    /** Random bytes in a nonce (base64-encoded on the wire), as PostgreSQL uses. */
    static final int NONCE_BYTES = 18;
    static final SecureRandom RANDOM = new SecureRandom();

    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);

    private Scram() {
    }

    /** SaltedPassword := Hi(Normalize(password), salt, i), PBKDF2 with HMAC-SHA-256. */
    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        byte[] pw = SaslPrep.prepare(password).getBytes(StandardCharsets.UTF_8);
        Mac mac = mac(pw);
        mac.update(salt);
        mac.update(new byte[] {0, 0, 0, 1});
        byte[] u = mac.doFinal();
        byte[] result = u.clone();
        try {
            for (int i = 1; i < iterations; i++) {
                mac.update(u);
                mac.doFinal(u, 0);
                for (int j = 0; j < KEY_LENGTH; j++) result[j] ^= u[j];
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return result;
    }

    static byte[] clientKey(byte[] saltedPassword) {
        return hmac(saltedPassword, CLIENT_KEY);
    }

    static byte[] serverKey(byte[] saltedPassword) {
        return hmac(saltedPassword, SERVER_KEY);
    }

    static byte[] hmac(byte[] key, byte[] data) {
        return mac(key).doFinal(data);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] r = new byte[a.length];
        for (int i = 0; i < a.length; i++) r[i] = (byte) (a[i] ^ b[i]);
        return r;
    }

    static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** A fresh nonce: {@link #NONCE_BYTES} random bytes in base64 (printable, no comma). */
    static String newNonce() {
        byte[] raw = new byte[NONCE_BYTES];
        RANDOM.nextBytes(raw);
        return base64(raw);
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Whether a nonce is made of printable ASCII other than ',' (RFC 5802 "printable"). */
    static boolean isPrintableNonce(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e || c == ',') return false;
        }
        return true;
    }

    static AuthenticationException malformed(String what) {
        return new AuthenticationException(SqlState.PROTOCOL_VIOLATION, "malformed SCRAM message: " + what);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // SecretKeySpec refuses an empty key; HMAC pads keys with zero bytes to its block
            // size, so one zero byte is the same key as none (an empty password).
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    /** Reads a SCRAM message: attributes {@code x=value} separated by commas. */
    static final class Reader {
        private final String s;
        private final String messageName;
        private int pos;

        Reader(String s, String messageName) {
            this.s = s;
            this.messageName = messageName;
        }

        int pos() {
            return pos;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        void skip() {
            pos++;
        }

        char peek() {
            return atEnd() ? 0 : s.charAt(pos);
        }

        String substring(int from, int to) {
            return s.substring(from, to);
        }

        void expectComma() throws AuthenticationException {
            if (atEnd() || s.charAt(pos) != ',') {
                throw malformed("expected ',' at offset " + pos + " of the " + messageName);
            }
            pos++;
        }

        /** The value of attribute {@code name}, which must come next; reads to the next comma. */
        String attribute(char name) throws AuthenticationException {
            if (pos + 1 >= s.length() || s.charAt(pos) != name || s.charAt(pos + 1) != '=') {
                throw malformed("expected attribute \"" + name + "=\" at offset " + pos + " of the " + messageName
                        + (atEnd() ? "" : ", found \"" + describeAt(pos) + "\""));
            }
            int start = pos + 2;
            int end = s.indexOf(',', start);
            if (end < 0) end = s.length();
            pos = end;
            return s.substring(start, end);
        }

        /** The name of the next attribute (the letter before its '='), reading past the '='. */
        char anyAttributeName() throws AuthenticationException {
            if (pos + 1 >= s.length() || !isAlpha(s.charAt(pos)) || s.charAt(pos + 1) != '=') {
                throw malformed("expected an attribute at offset " + pos + " of the " + messageName);
            }
            char c = s.charAt(pos);
            pos += 2;
            return c;
        }

        /** The rest of the current attribute's value, up to the next comma. */
        String value() {
            int end = s.indexOf(',', pos);
            if (end < 0) end = s.length();
            String v = s.substring(pos, end);
            pos = end;
            return v;
        }

        byte[] base64Attribute(char name, String what) throws AuthenticationException {
            String v = attribute(name);
            return decodeBase64(v, what);
        }

        byte[] decodeBase64(String v, String what) throws AuthenticationException {
            try {
                return Base64.getDecoder().decode(v);
            } catch (IllegalArgumentException e) {
                throw malformed(what + " in the " + messageName + " is not valid base64");
            }
        }

        private String describeAt(int at) {
            int end = Math.min(s.length(), at + 2);
            return s.substring(at, end);
        }

        private static boolean isAlpha(char c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
        }
    }
}
