package io.weft.pooler.pool;

import java.io.IOException;

/**
 * The pooler is shutting down: a client asking for a server connection gets none (its
 * transaction had not started). The client is told FATAL 57P01, as PostgreSQL tells its own.
 */
public final class ShuttingDownException extends IOException {
    private static final long serialVersionUID = 1L;

    public ShuttingDownException() {
        super("terminating connection due to administrator command");
    }
}
