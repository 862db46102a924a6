package io.weft.pooler.pg;

/**
 * A PostgreSQL tool or the throwaway server failed. The message always says what was run, how
 * it ended (exit code or timeout) and the tail of its output, or of the server log.
 */
public final class PgException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient CommandResult result;

    public PgException(String message) {
        this(message, null, null);
    }

    public PgException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public PgException(String message, CommandResult result) {
        this(message, result, null);
    }

    public PgException(String message, CommandResult result, Throwable cause) {
        super(message, cause);
        this.result = result;
    }

    /** The failed command's result, or {@code null} when the failure was not one command's. */
    public CommandResult result() {
        return result;
    }
}
