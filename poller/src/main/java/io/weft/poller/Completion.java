package io.weft.poller;

/**
 * The flags a {@link CompletionHandler} receives with each completion. The values are
 * io_uring's CQE flags, so the io_uring backend passes them through unchanged; readiness
 * backends pass 0.
 */
public final class Completion {
    /** The result names a buffer from a {@link BufferRing}: see {@link #bufferId(int)}. */
    public static final int BUFFER = 1 << 0;
    /** A multishot operation will post more completions for the same token. */
    public static final int MORE = 1 << 1;
    /** After a receive, the socket still had data queued. */
    public static final int SOCK_NONEMPTY = 1 << 2;

    private static final int BUFFER_SHIFT = 16;

    private Completion() {}

    /** Whether the operation is still in flight after this completion (multishot). */
    public static boolean hasMore(int flags) {
        return (flags & MORE) != 0;
    }

    /** Whether a buffer was taken from a buffer ring; then {@link #bufferId} says which. */
    public static boolean hasBuffer(int flags) {
        return (flags & BUFFER) != 0;
    }

    /** The id of the ring buffer holding the data, valid when {@link #hasBuffer} is true. */
    public static int bufferId(int flags) {
        return flags >>> BUFFER_SHIFT;
    }
}
