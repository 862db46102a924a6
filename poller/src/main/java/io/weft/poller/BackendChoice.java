package io.weft.poller;

/**
 * The outcome of choosing a backend: which one, and in words why (for the one log line
 * {@code auto} writes, and for tests).
 */
public record BackendChoice(Backend backend, boolean automatic, String reason) {
    @Override
    public String toString() {
        return "weft backend " + backend.configName() + (automatic ? " (auto)" : "") + ": " + reason;
    }
}
