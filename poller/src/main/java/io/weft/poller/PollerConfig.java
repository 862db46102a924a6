package io.weft.poller;

import java.util.Locale;
import java.util.Properties;

/**
 * How pollers are built, read from system properties (every one is documented in
 * docs/configuration.md). Invalid values fail with a message that names the property.
 *
 * @param backend         {@code weft.backend}: {@code auto} (null here), or the backend to use
 * @param ringEntries     {@code weft.uring.entries}: submission queue entries (power of two)
 * @param completionRatio {@code weft.uring.cqRatio}: completion queue size as a multiple of
 *                        {@code ringEntries}; multishot operations post many completions per
 *                        submission, so the CQ is larger
 * @param maxEvents       {@code weft.epoll.maxEvents}: events taken per {@code epoll_wait} (or {@code kevent})
 * @param refuseUring     {@code weft.test.refuseUring}: test-only; an errno name such as
 *                        {@code EPERM} that io_uring set-up fails with, as if the kernel had
 *                        refused, or null
 * @param kqueueLibrary   {@code weft.kqueue.library}: the path of a libkqueue build for the
 *                        kqueue backend on Linux; null for the C library's kqueue (macOS, FreeBSD)
 */
public record PollerConfig(Backend backend, int ringEntries, int completionRatio, int maxEvents, String refuseUring,
        String kqueueLibrary) {

    public static final int DEFAULT_RING_ENTRIES = 256;
    public static final int DEFAULT_COMPLETION_RATIO = 4;
    public static final int DEFAULT_MAX_EVENTS = 256;

    public PollerConfig {
        // At least 2: the poller keeps its wake-up read in flight and one slot free for a linked timeout.
        if (ringEntries < 2 || ringEntries > 32768 || Integer.bitCount(ringEntries) != 1) {
            throw new IllegalArgumentException(
                    "weft.uring.entries=" + ringEntries + ": must be a power of two from 2 to 32768");
        }
        if (completionRatio < 1 || completionRatio > 16) {
            throw new IllegalArgumentException("weft.uring.cqRatio=" + completionRatio + ": must be from 1 to 16");
        }
        if (maxEvents < 1 || maxEvents > 65536) {
            throw new IllegalArgumentException("weft.epoll.maxEvents=" + maxEvents + ": must be from 1 to 65536");
        }
    }

    /** Without a kqueue library, as before there was a kqueue backend. */
    public PollerConfig(Backend backend, int ringEntries, int completionRatio, int maxEvents, String refuseUring) {
        this(backend, ringEntries, completionRatio, maxEvents, refuseUring, null);
    }

    /** The defaults: {@code auto}, 256 entries, CQ four times as large, 256 events per wait, the C library's kqueue. */
    public static PollerConfig defaults() {
        return new PollerConfig(null, DEFAULT_RING_ENTRIES, DEFAULT_COMPLETION_RATIO, DEFAULT_MAX_EVENTS, null, null);
    }

    /** The configuration the system properties give. */
    public static PollerConfig fromSystemProperties() {
        return from(System.getProperties());
    }

    /** The configuration {@code props} give, in the system properties' names. */
    public static PollerConfig from(Properties props) {
        String b = props.getProperty("weft.backend", "auto").trim().toLowerCase(Locale.ROOT);
        Backend backend;
        if (b.equals("auto")) {
            backend = null;
        } else {
            try {
                backend = Backend.fromConfigName(b);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "weft.backend=" + b + ": expected one of auto, io_uring, epoll, kqueue");
            }
        }
        String refuse = props.getProperty("weft.test.refuseUring");
        if (refuse != null && !refuse.isBlank()) {
            refuse = refuse.trim();
            try {
                io.weft.poller.sys.Errno.byName(refuse);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("weft.test.refuseUring=" + refuse + ": not an errno name such as EPERM");
            }
        } else {
            refuse = null;
        }
        return new PollerConfig(backend,
                ConfigProperties.intValue(props, "weft.uring.entries", DEFAULT_RING_ENTRIES),
                ConfigProperties.intValue(props, "weft.uring.cqRatio", DEFAULT_COMPLETION_RATIO),
                ConfigProperties.intValue(props, "weft.epoll.maxEvents", DEFAULT_MAX_EVENTS),
                refuse, kqueueLibrary(props));
    }

    private static String kqueueLibrary(Properties props) {
        String lib = props.getProperty("weft.kqueue.library");
        return lib == null || lib.isBlank() ? null : lib.trim();
    }

    /** This configuration with {@code backend} chosen explicitly ({@code null}: auto). */
    public PollerConfig withBackend(Backend backend) {
        return new PollerConfig(backend, ringEntries, completionRatio, maxEvents, refuseUring, kqueueLibrary);
    }

    /** This configuration with the test-only io_uring refusal set to errno {@code name}. */
    public PollerConfig withRefuseUring(String name) {
        return new PollerConfig(backend, ringEntries, completionRatio, maxEvents, name, kqueueLibrary);
    }

    /** This configuration with the kqueue library at {@code path} ({@code null}: the C library's). */
    public PollerConfig withKqueueLibrary(String path) {
        return new PollerConfig(backend, ringEntries, completionRatio, maxEvents, refuseUring, path);
    }
}
