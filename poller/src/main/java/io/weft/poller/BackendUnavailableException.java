package io.weft.poller;

import java.io.IOException;

/** The backend asked for cannot run here; the message says which and why. */
public class BackendUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Backend backend;

    public BackendUnavailableException(Backend backend, String reason, Throwable cause) {
        super(backend.configName() + " is not available: " + reason, cause);
        this.backend = backend;
    }

    public Backend backend() {
        return backend;
    }
}
