package io.weft.pooler.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * PostgreSQL's md5 password scheme. The stored form is {@code "md5" + hex(md5(password + user))};
 * for AuthenticationMD5Password the client answers
 * {@code "md5" + hex(md5(hex-part-of-the-stored-form + salt))}, so whoever knows the stored
 * hash can answer (md5 is weak; prefer SCRAM-SHA-256).
 */
public final class Md5 {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private Md5() {
    }

    /** The stored form of a password: {@code "md5" + hex(md5(password + user))}, lowercase hex. */
    public static String passwordHash(String password, String user) {
        MessageDigest md = md5();
        md.update(password.getBytes(StandardCharsets.UTF_8));
        md.update(user.getBytes(StandardCharsets.UTF_8));
        return "md5" + hex(md.digest());
    }

    /**
     * What a client sends in answer to AuthenticationMD5Password with this salt.
     *
     * @param passwordHashOrPlain the stored form ("md5" and 32 lowercase hex digits, as
     *     {@link #isMd5Hash} tells) or else the plain password
     * @param salt the 4 salt bytes of the request
     */
    public static String challengeResponse(String passwordHashOrPlain, String user, byte[] salt) {
        if (salt.length != 4) throw new IllegalArgumentException("an MD5 salt has 4 bytes, not " + salt.length);
        String hash = isMd5Hash(passwordHashOrPlain) ? passwordHashOrPlain : passwordHash(passwordHashOrPlain, user);
        MessageDigest md = md5();
        md.update(hash.getBytes(StandardCharsets.US_ASCII), 3, 32);
        md.update(salt);
        return "md5" + hex(md.digest());
    }

    /** A fresh random 4-byte salt for AuthenticationMD5Password. */
    public static byte[] newSalt() {
        byte[] salt = new byte[4];
        RANDOM.nextBytes(salt);
        return salt;
    }

    /**
     * Whether a client's answer to AuthenticationMD5Password is right, comparing in constant
     * time.
     *
     * @param storedPasswordOrMd5Hash the md5 stored form or the plain password; a SCRAM
     *     verifier cannot answer an md5 challenge, so with one this returns false
     */
    public static boolean verify(String storedPasswordOrMd5Hash, String user, byte[] salt, String clientResponse) {
        if (storedPasswordOrMd5Hash == null || clientResponse == null) return false;
        if (storedPasswordOrMd5Hash.startsWith(ScramVerifier.PREFIX)) return false;
        byte[] expected = challengeResponse(storedPasswordOrMd5Hash, user, salt).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, clientResponse.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code s} is an md5 stored form: "md5" and 32 lowercase hex digits. */
    public static boolean isMd5Hash(String s) {
        if (s == null || s.length() != 35 || !s.startsWith("md5")) return false;
        for (int i = 3; i < 35; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }

    private static String hex(byte[] b) {
        byte[] out = new byte[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            out[2 * i] = HEX[(b[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[b[i] & 0xf];
        }
        return new String(out, StandardCharsets.US_ASCII);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }
}
