package io.weft.pooler.pool;

import java.io.IOException;

/** No server connection became free within blocking_timeout. */
public final class PoolTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    public PoolTimeoutException(String message) {
        super(message);
    }
}
