package io.weft.poller.testkit;

import io.weft.poller.Backend;
import io.weft.poller.PollerConfig;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether a backend can run in this test JVM, for the suites that run once per backend: io_uring
 * and epoll on Linux; kqueue on macOS and FreeBSD, and on Linux only when the system property
 * {@code weft.kqueue.library} names a libkqueue build (Maven passes {@code -D} options on to
 * the test JVM). A backend that cannot run makes the test skip, saying how to enable it.
 */
public final class KqueueTesting {
    public static final String LIBRARY_PROPERTY = "weft.kqueue.library";

    /** What a skipped kqueue test says. */
    public static final String HOW_TO_ENABLE = "kqueue tests need libkqueue on Linux: build it outside the project"
            + " and run with -D" + LIBRARY_PROPERTY + "=/path/to/libkqueue.so (see docs/architecture.md, kqueue)";

    private KqueueTesting() {}

    /** The libkqueue the tests were given, or null (the C library's kqueue). */
    public static String library() {
        String lib = System.getProperty(LIBRARY_PROPERTY);
        return lib == null || lib.isBlank() ? null : lib.trim();
    }

    public static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
    }

    /** Whether {@code backend} can run here (see the class comment). */
    public static boolean runs(Backend backend) {
        return switch (backend) {
            case IO_URING, EPOLL -> isLinux();
            case KQUEUE -> !isLinux() || library() != null;
        };
    }

    /** Skips the calling test unless {@code backend} can run here; the reason says how to enable it. */
    public static void assumeRuns(Backend backend) {
        if (backend == Backend.KQUEUE) {
            Assumptions.assumeTrue(runs(backend), HOW_TO_ENABLE);
        } else {
            Assumptions.assumeTrue(runs(backend), () -> backend + " runs on Linux only");
        }
    }

    /**
     * Skips a test that needs a socket's pending error (a refused connect, a reset) to reach
     * the socket after a readiness wait on it, when {@code backend} is kqueue on libkqueue:
     * libkqueue reads that error with {@code getsockopt(SO_ERROR)} to put it in the event's
     * {@code fflags} (linux/read.c, write.c), and reading it clears it, so the caller's own
     * {@code SO_ERROR} or {@code recv} finds none. macOS's and FreeBSD's kqueue report the error
     * without clearing it.
     */
    public static void assumeSocketErrorsSurvive(Backend backend) {
        Assumptions.assumeFalse(backend == Backend.KQUEUE && isLinux(),
                "libkqueue clears a socket's pending error (getsockopt SO_ERROR) when it reports EV_EOF,"
                        + " so the refused connect or reset never reaches the socket; a kernel kqueue keeps it");
    }

    /** The system properties' configuration (SQPOLL in its surefire execution) on {@code backend}, with the kqueue library the tests were given. */
    public static PollerConfig config(Backend backend) {
        return PollerConfig.fromSystemProperties().withBackend(backend).withKqueueLibrary(library());
    }
}
