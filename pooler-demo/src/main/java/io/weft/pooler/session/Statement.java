package io.weft.pooler.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A client's named prepared statement in the transaction pipeline: its text and parameter
 * types, and the name the pooler prepares it under on servers. The server name is derived
 * from the content (SHA-256 of text and types), so every client preparing the same statement
 * shares one prepared statement per server connection.
 */
record Statement(String query, byte[] paramTypes, String serverName) {

    static Statement of(String query, byte[] paramTypes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(query.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(paramTypes);
            byte[] d = sha.digest();
            return new Statement(query, paramTypes, "weft_" + HexFormat.of().formatHex(d, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is always there", e);
        }
    }
}
