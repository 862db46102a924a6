package io.weft.poller;

import io.weft.poller.epoll.EpollPoller;
import io.weft.poller.kqueue.KqueuePoller;
import io.weft.poller.uring.IoUringPoller;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * Opens pollers on the configured backend. With {@code weft.backend=auto} (the default) that
 * is kqueue on macOS and FreeBSD; on Linux the first call probes io_uring (ring set-up and the
 * opcodes weft needs) and falls back to epoll if the kernel refuses, logging the reason once;
 * later calls reuse that decision. An explicitly chosen backend that cannot run fails with
 * {@link BackendUnavailableException}.
 */
public final class Pollers {
    private static final System.Logger LOG = System.getLogger("io.weft.poller");

    /** The decision for the last configuration chosen automatically; read racily, that is fine. */
    private static volatile Cached cached;

    private record Cached(PollerConfig config, BackendChoice choice) {}

    private Pollers() {}

    /** A poller on the backend the system properties select. */
    public static Poller open() throws IOException {
        return open(PollerConfig.fromSystemProperties());
    }

    /** A poller on the backend {@code config} selects. */
    public static Poller open(PollerConfig config) throws IOException {
        return open(choose(config).backend(), config);
    }

    /**
     * A poller on {@code backend}, whatever {@code config.backend()} says.
     *
     * @throws BackendUnavailableException if that backend cannot run here, saying why
     */
    public static Poller open(Backend backend, PollerConfig config) throws IOException {
        io.weft.poller.faults.Faults.check(); // a bad weft.faults spec fails here, naming the bad part
        return switch (backend) {
            case IO_URING -> IoUringPoller.open(config);
            case EPOLL -> EpollPoller.open(config);
            case KQUEUE -> KqueuePoller.open(config);
        };
    }

    /**
     * Which backend {@code config} selects, and why. For {@code auto} this probes io_uring the
     * first time and logs the outcome once; an explicit backend is returned as is (opening it
     * reports whether it can run).
     */
    public static BackendChoice choose(PollerConfig config) {
        if (config.backend() != null) {
            return new BackendChoice(config.backend(), false, "weft.backend=" + config.backend().configName());
        }
        Cached c = cached;
        if (c != null && c.config().equals(config)) {
            return c.choice();
        }
        BackendChoice choice = probe(config);
        cached = new Cached(config, choice);
        // Only a fallback is worth a warning: kqueue off Linux is the expected choice.
        if (choice.backend() == Backend.EPOLL) {
            LOG.log(Level.WARNING, choice.toString());
        } else {
            LOG.log(Level.DEBUG, choice.toString());
        }
        return choice;
    }

    private static BackendChoice probe(PollerConfig config) {
        if (!isLinux()) {
            return new BackendChoice(Backend.KQUEUE, true, "kqueue is the event interface of " + System.getProperty("os.name"));
        }
        try (Poller p = IoUringPoller.open(config)) {
            return new BackendChoice(Backend.IO_URING, true, "io_uring probed and has every feature weft needs");
        } catch (IOException | RuntimeException e) {
            return new BackendChoice(Backend.EPOLL, true, "falling back to epoll because " + e.getMessage());
        }
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux");
    }
}
