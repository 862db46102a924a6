package io.weft.pooler.pool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An ErrorResponse from a PostgreSQL server, with its fields (S, C, M, ...). */
public final class ServerError extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Map<Character, String> fields;

    public ServerError(String context, Map<Character, String> fields) {
        super(context + ": " + fields.getOrDefault('S', "ERROR") + ": " + fields.getOrDefault('M', "?")
                + " (SQLSTATE " + fields.getOrDefault('C', "?") + ")");
        this.fields = fields;
    }

    public String sqlState() {
        return fields.getOrDefault('C', "XX000");
    }

    public String serverMessage() {
        return fields.getOrDefault('M', "");
    }

    public String severity() {
        return fields.getOrDefault('S', "ERROR");
    }

    /** The fields of an ErrorResponse or NoticeResponse payload: type byte, string, ..., 0. */
    public static Map<Character, String> fields(byte[] payload, int length) {
        Map<Character, String> fields = new LinkedHashMap<>();
        int i = 0;
        while (i < length && payload[i] != 0) {
            char type = (char) payload[i++];
            int end = i;
            while (end < length && payload[end] != 0) end++;
            fields.put(type, new String(payload, i, end - i, StandardCharsets.UTF_8));
            i = end + 1;
        }
        return fields;
    }
}
