package io.weft.poller;

/**
 * Receives completions from {@link Poller#poll}. Called on the poller's owner thread, inside
 * {@code poll}; it must not call {@code poll} or {@code close} of the same poller, but may arm
 * waits and submit operations, which go out with the next {@code poll}.
 */
@FunctionalInterface
public interface CompletionHandler {
    /** Drops every completion: for closing a poller whose waiters are already gone. */
    CompletionHandler DISCARD = (token, result, flags) -> {};

    /**
     * One completion.
     *
     * @param token  the caller's token given when the wait was armed or the operation submitted
     * @param result for a readiness wait, the {@link Events} that fired; for an operation, its
     *               result as the system call would return it; {@code -errno} on failure, and
     *               {@code -ECANCELED} for a cancelled wait or operation
     * @param flags  {@link Completion} flags
     */
    void onCompletion(long token, int result, int flags);
}
