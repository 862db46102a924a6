package io.weft.pooler.protocol;

import java.io.IOException;

/**
 * The peer broke the frontend/backend protocol: a bad length, a string without its terminator,
 * a malformed startup packet. Carries the SQLSTATE to report, {@link SqlState#PROTOCOL_VIOLATION}
 * unless said otherwise. The message is fit for a log line and for the text of a FATAL error.
 */
public final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;

    /** A protocol violation (SQLSTATE 08P01). */
    public ProtocolException(String message) {
        this(SqlState.PROTOCOL_VIOLATION, message);
    }

    public ProtocolException(String sqlState, String message) {
        super(message);
        this.sqlState = sqlState;
    }

    public ProtocolException(String sqlState, String message, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /** The SQLSTATE to send the client with this error. */
    public String sqlState() {
        return sqlState;
    }
}
