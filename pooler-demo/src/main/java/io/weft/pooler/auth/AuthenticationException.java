package io.weft.pooler.auth;

import io.weft.pooler.protocol.SqlState;
import java.io.IOException;

/**
 * An authentication exchange failed: a wrong password or proof, a nonce that does not match,
 * a malformed SCRAM message, a server whose signature is wrong. The message is fit for a log
 * line and for the text of a FATAL error; {@link #sqlState()} is the SQLSTATE to report
 * ({@link SqlState#INVALID_PASSWORD} for a wrong password, {@link SqlState#PROTOCOL_VIOLATION}
 * for a malformed message, {@link SqlState#FEATURE_NOT_SUPPORTED} for something the pooler does
 * not offer, such as channel binding).
 */
public final class AuthenticationException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;

    /** A failed authentication (SQLSTATE 28P01). */
    public AuthenticationException(String message) {
        this(SqlState.INVALID_PASSWORD, message);
    }

    public AuthenticationException(String sqlState, String message) {
        super(message);
        this.sqlState = sqlState;
    }

    /** The SQLSTATE to send with this failure. */
    public String sqlState() {
        return sqlState;
    }
}
