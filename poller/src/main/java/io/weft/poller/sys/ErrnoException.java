package io.weft.poller.sys;

import java.io.IOException;

/**
 * A system call failed. The message names the call and the errno, for example
 * {@code io_uring_setup: EPERM (Operation not permitted)}.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public ErrnoException(String call, int errno) {
        this(call, errno, null);
    }

    /** {@code detail}, when given, is appended after the errno, e.g. what to do about it. */
    public ErrnoException(String call, int errno, String detail) {
        super(call + ": " + Errno.describe(errno) + (detail == null ? "" : "; " + detail));
        this.call = call;
        this.errno = errno;
    }

    /** The failed call, e.g. {@code "io_uring_setup"}. */
    public String call() {
        return call;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    /**
     * Returns {@code ret} when it is not negative; otherwise treats it as {@code -errno}, in the
     * kernel's convention that every method of {@link Libc} follows, and throws.
     */
    public static long check(String call, long ret) throws ErrnoException {
        if (ret < 0) {
            throw new ErrnoException(call, (int) -ret);
        }
        return ret;
    }

    /** {@link #check(String, long)} for calls whose result fits an int (descriptors, counts). */
    public static int check(String call, int ret) throws ErrnoException {
        if (ret < 0) {
            throw new ErrnoException(call, -ret);
        }
        return ret;
    }
}
