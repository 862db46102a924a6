package io.weft.poller;

import java.io.IOException;

/**
 * One event loop's view of the kernel: arm readiness waits (and, on a {@link CompletionPoller},
 * submit operations) under the caller's tokens, then {@link #poll} hands each completion to a
 * {@link CompletionHandler}.
 *
 * <h2>Threads</h2>
 * A poller belongs to the thread that opened it (its owner, a carrier in the scheduler). Only
 * the owner may arm, disarm, submit, poll and close. {@link #wakeup()} and {@link #isOpen()}
 * may be called from any thread. io_uring's single-issuer ring enforces this in the kernel.
 *
 * <h2>Tokens</h2>
 * A token is any non-negative {@code long} the caller picks; the poller hands it back with the
 * completion. Negative values are reserved by the pollers for their own bookkeeping.
 *
 * <h2>Readiness waits</h2>
 * {@link #arm} registers a one-shot wait for {@link Events#IN} or {@link Events#OUT} on a
 * descriptor. At most one wait per (descriptor, event) is armed at a time; a read wait and a
 * write wait on the same descriptor are independent. The wait completes once, with the events
 * that fired. {@link #disarm} removes it synchronously: after it returns no completion will be
 * delivered for that wait. Disarm a wait before closing its descriptor: epoll forgets a closed
 * descriptor silently and io_uring keeps polling the open file.
 *
 * <h2>Closing</h2>
 * {@link #close(CompletionHandler)} cancels whatever is in flight, delivers the final
 * completion of each armed wait and operation (usually {@code -ECANCELED}) to the handler,
 * and frees native memory only once the kernel can no longer write to it.
 */
public interface Poller extends AutoCloseable {
    /** Returned by {@link #disarm} when no wait was armed. */
    long NO_TOKEN = -1;

    /** Which kernel interface this poller runs on. */
    Backend backend();

    /**
     * Arms a one-shot readiness wait.
     *
     * @param fd    the descriptor, usually a non-blocking socket or pipe
     * @param event {@link Events#IN} or {@link Events#OUT}
     * @param token non-negative, returned with the completion
     * @throws IllegalStateException if a wait for ({@code fd}, {@code event}) is already armed
     * @throws IOException           if the kernel refuses the descriptor at once: epoll
     *                               reports {@code EBADF}, or {@code EPERM} for a regular
     *                               file, here; io_uring reports {@code -EBADF} in the
     *                               completion and treats a regular file as always ready
     */
    void arm(int fd, int event, long token) throws IOException;

    /**
     * Removes the armed wait for ({@code fd}, {@code event}), if any. No completion will be
     * delivered for it afterwards.
     *
     * @return the token of the removed wait, or {@link #NO_TOKEN} if none was armed (or it
     *         already completed)
     */
    long disarm(int fd, int event) throws IOException;

    /**
     * Submits whatever was queued, waits up to {@code timeoutNanos} for at least one
     * completion, and hands every completion available to {@code handler}.
     *
     * @param timeoutNanos negative to wait until a completion or {@link #wakeup()}, 0 not to
     *                     wait
     * @return the number of completions handed to {@code handler}; 0 after a timeout or a
     *         wake-up (an interrupted system call, or completions of the poller's own
     *         bookkeeping, make it wait on for the time left)
     */
    int poll(long timeoutNanos, CompletionHandler handler) throws IOException;

    /**
     * Makes a {@link #poll} that is blocked, or the next one, return promptly. Any thread.
     * Wake-ups coalesce: many calls before the owner polls cost one system call.
     */
    void wakeup();

    /** Whether {@link #close} has not begun. Any thread. */
    boolean isOpen();

    /**
     * Cancels everything in flight, delivers each armed wait's and operation's final
     * completion to {@code handler}, and releases the poller's descriptors and memory.
     * Idempotent.
     */
    void close(CompletionHandler handler);

    /** {@link #close(CompletionHandler)} dropping the final completions. */
    @Override
    default void close() {
        close(CompletionHandler.DISCARD);
    }
}
