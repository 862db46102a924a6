package io.weft.pooler.auth;

import java.util.Arrays;
import java.util.Base64;

/**
 * What a server keeps to check SCRAM-SHA-256 logins without knowing the password: the
 * iteration count, the salt, StoredKey = H(HMAC(SaltedPassword, "Client Key")) and
 * ServerKey = HMAC(SaltedPassword, "Server Key"). Its text form is PostgreSQL's
 * ({@code pg_authid.rolpassword}):
 * {@code SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>}.
 *
 * <p>The password is prepared with SASLprep as PostgreSQL does (see {@link SaslPrep}): ASCII
 * passwords as they are, others mapped and NFKC-normalised, falling back to the password as it
 * is where SASLprep would refuse it.
 *
 * <p>The arrays are copied in and out; equality compares their contents.
 */
public record ScramVerifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
    /** The prefix of the text form. */
    public static final String PREFIX = "SCRAM-SHA-256$";
    public static final int DEFAULT_ITERATIONS = 4096;
    public static final int DEFAULT_SALT_LENGTH = 16;

    public ScramVerifier {
        if (iterations < 1) throw new IllegalArgumentException("SCRAM iteration count must be positive: " + iterations);
        if (salt.length == 0) throw new IllegalArgumentException("SCRAM salt is empty");
        if (storedKey.length != Scram.KEY_LENGTH || serverKey.length != Scram.KEY_LENGTH) {
            throw new IllegalArgumentException("SCRAM-SHA-256 keys have " + Scram.KEY_LENGTH + " bytes, not "
                    + storedKey.length + " and " + serverKey.length);
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /** A verifier for {@code password} with a fresh 16-byte random salt and 4096 iterations. */
    public static ScramVerifier fromPassword(String password) {
        byte[] salt = new byte[DEFAULT_SALT_LENGTH];
        Scram.RANDOM.nextBytes(salt);
        return fromPassword(password, salt, DEFAULT_ITERATIONS);
    }

    /** The verifier for {@code password} with this salt and iteration count. */
    public static ScramVerifier fromPassword(String password, byte[] salt, int iterations) {
        if (iterations < 1) throw new IllegalArgumentException("SCRAM iteration count must be positive: " + iterations);
        byte[] salted = Scram.saltedPassword(password, salt, iterations);
        return new ScramVerifier(iterations, salt, Scram.sha256(Scram.clientKey(salted)), Scram.serverKey(salted));
    }

    /** Whether {@code s} looks like the text form of a verifier (by its prefix). */
    public static boolean isVerifier(String s) {
        return s != null && s.startsWith(PREFIX);
    }

    /**
     * Parses the text form.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code s}
     */
    public static ScramVerifier parse(String s) {
        if (s == null || !s.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 verifier: it does not begin with " + PREFIX);
        }
        String rest = s.substring(PREFIX.length());
        int dollar = rest.indexOf('$');
        if (dollar < 0) {
            throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier: expected "
                    + "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        String[] iterSalt = rest.substring(0, dollar).split(":", -1);
        String[] keys = rest.substring(dollar + 1).split(":", -1);
        if (iterSalt.length != 2 || keys.length != 2) {
            throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier: expected "
                    + "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(iterSalt[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier: iteration count \"" + iterSalt[0]
                    + "\" is not a number");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier: iteration count " + iterations
                    + " is not positive");
        }
        byte[] salt = decode(iterSalt[1], "salt");
        if (salt.length == 0) throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier: empty salt");
        byte[] stored = decode(keys[0], "StoredKey");
        byte[] server = decode(keys[1], "ServerKey");
        if (stored.length != Scram.KEY_LENGTH || server.length != Scram.KEY_LENGTH) {
            throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier: StoredKey and ServerKey must have "
                    + Scram.KEY_LENGTH + " bytes, not " + stored.length + " and " + server.length);
        }
        return new ScramVerifier(iterations, salt, stored, server);
    }

    private static byte[] decode(String b64, String what) {
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier: " + what + " is not valid base64");
        }
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramVerifier v && iterations == v.iterations && Arrays.equals(salt, v.salt)
                && Arrays.equals(storedKey, v.storedKey) && Arrays.equals(serverKey, v.serverKey);
    }

    @Override
    public int hashCode() {
        return ((iterations * 31 + Arrays.hashCode(salt)) * 31 + Arrays.hashCode(storedKey)) * 31
                + Arrays.hashCode(serverKey);
    }

    /** The text form, as PostgreSQL stores it. */
    @Override
    public String toString() {
        return PREFIX + iterations + ":" + Scram.base64(salt) + "$" + Scram.base64(storedKey) + ":"
                + Scram.base64(serverKey);
    }
}
