package io.weft.poller.sys;

/**
 * The errno values the poller and net reason about, and the symbolic name of any errno so that
 * error messages say {@code EPERM} rather than {@code 1}.
 *
 * <p>The values are this system's ({@link OsPlatform}: Linux, macOS or FreeBSD), looked up once
 * by name in {@link ErrnoNames}: EAGAIN is 11 on Linux and 35 on the BSDs, and a comparison
 * such as {@code r == -Errno.EAGAIN} stays right on each. They are static finals but not
 * compile-time constants, so they cannot be {@code case} labels; switch on {@link #name}.
 */
public final class Errno {
    /** Names by number for this system; must come before the constants that are read from it. */
    private static final String[] NAMES = ErrnoNames.of(OsPlatform.current());

    public static final int EPERM = number("EPERM");
    public static final int ENOENT = number("ENOENT");
    public static final int EINTR = number("EINTR");
    public static final int EIO = number("EIO");
    public static final int EBADF = number("EBADF");
    public static final int EAGAIN = number("EAGAIN");
    public static final int ENOMEM = number("ENOMEM");
    public static final int EACCES = number("EACCES");
    public static final int EFAULT = number("EFAULT");
    public static final int EBUSY = number("EBUSY");
    public static final int EEXIST = number("EEXIST");
    public static final int EINVAL = number("EINVAL");
    public static final int EMFILE = number("EMFILE");
    public static final int ENOSPC = number("ENOSPC");
    public static final int EPIPE = number("EPIPE");
    public static final int ENOSYS = number("ENOSYS");
    /** io_uring's timed wait; FreeBSD has no ETIME (see {@link #ABSENT}). */
    public static final int ETIME = number("ETIME");
    public static final int ENOTSOCK = number("ENOTSOCK");
    public static final int EOPNOTSUPP = number("EOPNOTSUPP");
    public static final int EAFNOSUPPORT = number("EAFNOSUPPORT");
    public static final int EADDRINUSE = number("EADDRINUSE");
    public static final int ENETUNREACH = number("ENETUNREACH");
    public static final int ENOBUFS = number("ENOBUFS");
    public static final int EISCONN = number("EISCONN");
    public static final int ENOTCONN = number("ENOTCONN");
    public static final int ETIMEDOUT = number("ETIMEDOUT");
    public static final int ECONNREFUSED = number("ECONNREFUSED");
    public static final int ECONNABORTED = number("ECONNABORTED");
    public static final int ECONNRESET = number("ECONNRESET");
    public static final int EHOSTUNREACH = number("EHOSTUNREACH");
    public static final int EALREADY = number("EALREADY");
    public static final int EINPROGRESS = number("EINPROGRESS");
    public static final int ECANCELED = number("ECANCELED");

    /**
     * The value of a constant this system has no errno for: no call returns
     * {@code -Integer.MAX_VALUE}, so every comparison with it is false.
     */
    static final int ABSENT = Integer.MAX_VALUE;

    private Errno() {}

    private static int number(String name) {
        int n = ErrnoNames.number(NAMES, name);
        return n < 0 ? ABSENT : n;
    }

    /** The symbolic name of {@code errno}, e.g. {@code "EPERM"}; the number itself when unknown. */
    public static String name(int errno) {
        return errno > 0 && errno < NAMES.length ? NAMES[errno] : Integer.toString(errno);
    }

    /** The errno whose symbolic name is {@code name}, e.g. 1 for {@code "EPERM"}. */
    public static int byName(String name) {
        int n = ErrnoNames.number(NAMES, name);
        if (n < 0) {
            throw new IllegalArgumentException("unknown errno name: " + name);
        }
        return n;
    }

    /** {@code "EPERM (Operation not permitted)"}: the name and the C library's description. */
    public static String describe(int errno) {
        return name(errno) + " (" + Libc.strerror(errno) + ")";
    }
}
