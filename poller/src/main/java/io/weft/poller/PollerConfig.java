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
 * @param sqPollIdleMillis {@code weft.uring.sqpoll}: 0 (off, the default), or SQPOLL rings whose
 *                        kernel thread spins this many milliseconds without work before it sleeps
 * @param sqPollRequired  {@code weft.uring.sqpollRequired}: when the kernel refuses SQPOLL, fail
 *                        opening the io_uring poller instead of falling back to a ring without it
 * @param refuseSqPoll    {@code weft.test.refuseSqpoll}: test-only; an errno name that SQPOLL
 *                        set-up fails with, as if the kernel had refused it, or null
 */
public record PollerConfig(Backend backend, int ringEntries, int completionRatio, int maxEvents, String refuseUring,
        String kqueueLibrary, int sqPollIdleMillis, boolean sqPollRequired, String refuseSqPoll) {

    public static final int DEFAULT_RING_ENTRIES = 256;
    public static final int DEFAULT_COMPLETION_RATIO = 4;
    public static final int DEFAULT_MAX_EVENTS = 256;
    /** The longest SQPOLL idle time accepted: a minute of a spinning kernel thread is already a lot. */
    public static final int MAX_SQPOLL_IDLE_MILLIS = 60_000;

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
        // 0 is "off" here; the kernel would read an idle time of 0 as its default of one second.
        if (sqPollIdleMillis < 0 || sqPollIdleMillis > MAX_SQPOLL_IDLE_MILLIS) {
            throw new IllegalArgumentException("weft.uring.sqpoll=" + sqPollIdleMillis
                    + ": must be off or an idle time in milliseconds from 1 to " + MAX_SQPOLL_IDLE_MILLIS);
        }
        if (sqPollRequired && sqPollIdleMillis == 0) {
            throw new IllegalArgumentException("weft.uring.sqpollRequired=true needs weft.uring.sqpoll set");
        }
    }

    /** Without SQPOLL. */
    public PollerConfig(Backend backend, int ringEntries, int completionRatio, int maxEvents, String refuseUring,
            String kqueueLibrary) {
        this(backend, ringEntries, completionRatio, maxEvents, refuseUring, kqueueLibrary, 0, false, null);
    }

    /** Without a kqueue library or SQPOLL, as before there were either. */
    public PollerConfig(Backend backend, int ringEntries, int completionRatio, int maxEvents, String refuseUring) {
        this(backend, ringEntries, completionRatio, maxEvents, refuseUring, null);
    }

    /** Whether io_uring rings are to be set up with SQPOLL. */
    public boolean sqPoll() {
        return sqPollIdleMillis > 0;
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
        return new PollerConfig(backend,
                ConfigProperties.intValue(props, "weft.uring.entries", DEFAULT_RING_ENTRIES),
                ConfigProperties.intValue(props, "weft.uring.cqRatio", DEFAULT_COMPLETION_RATIO),
                ConfigProperties.intValue(props, "weft.epoll.maxEvents", DEFAULT_MAX_EVENTS),
                errnoName(props, "weft.test.refuseUring"), kqueueLibrary(props),
                sqPollIdleMillis(props), booleanValue(props, "weft.uring.sqpollRequired"),
                errnoName(props, "weft.test.refuseSqpoll"));
    }

    private static String errnoName(Properties props, String name) {
        String refuse = props.getProperty(name);
        if (refuse == null || refuse.isBlank()) {
            return null;
        }
        refuse = refuse.trim();
        try {
            io.weft.poller.sys.Errno.byName(refuse);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + "=" + refuse + ": not an errno name such as EPERM");
        }
        return refuse;
    }

    /** {@code weft.uring.sqpoll}: unset or {@code off} is 0; otherwise the idle time in milliseconds. */
    private static int sqPollIdleMillis(Properties props) {
        String v = props.getProperty("weft.uring.sqpoll");
        if (v == null || v.isBlank() || v.trim().equalsIgnoreCase("off")) {
            return 0;
        }
        int idle = ConfigProperties.intValue(props, "weft.uring.sqpoll", 0);
        if (idle < 1) {
            throw new IllegalArgumentException("weft.uring.sqpoll=" + v.trim()
                    + ": must be off or an idle time in milliseconds from 1 to " + MAX_SQPOLL_IDLE_MILLIS);
        }
        return idle;
    }

    private static boolean booleanValue(Properties props, String name) {
        String v = props.getProperty(name);
        if (v == null || v.isBlank()) {
            return false;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + "=" + v.trim() + ": must be true or false");
        };
    }

    private static String kqueueLibrary(Properties props) {
        String lib = props.getProperty("weft.kqueue.library");
        return lib == null || lib.isBlank() ? null : lib.trim();
    }

    /** This configuration with {@code backend} chosen explicitly ({@code null}: auto). */
    public PollerConfig withBackend(Backend backend) {
        return new PollerConfig(backend, ringEntries, completionRatio, maxEvents, refuseUring, kqueueLibrary,
                sqPollIdleMillis, sqPollRequired, refuseSqPoll);
    }

    /** This configuration with the test-only io_uring refusal set to errno {@code name}. */
    public PollerConfig withRefuseUring(String name) {
        return new PollerConfig(backend, ringEntries, completionRatio, maxEvents, name, kqueueLibrary,
                sqPollIdleMillis, sqPollRequired, refuseSqPoll);
    }

    /** This configuration with the kqueue library at {@code path} ({@code null}: the C library's). */
    public PollerConfig withKqueueLibrary(String path) {
        return new PollerConfig(backend, ringEntries, completionRatio, maxEvents, refuseUring, path,
                sqPollIdleMillis, sqPollRequired, refuseSqPoll);
    }

    /** This configuration with SQPOLL rings idling {@code idleMillis} (0: off), falling back or {@code required}. */
    public PollerConfig withSqPoll(int idleMillis, boolean required) {
        return new PollerConfig(backend, ringEntries, completionRatio, maxEvents, refuseUring, kqueueLibrary,
                idleMillis, required, refuseSqPoll);
    }

    /** This configuration with the ring sizes changed (tests of small rings keep the other settings). */
    public PollerConfig withRingSize(int entries, int cqRatio) {
        return new PollerConfig(backend, entries, cqRatio, maxEvents, refuseUring, kqueueLibrary,
                sqPollIdleMillis, sqPollRequired, refuseSqPoll);
    }

    /** This configuration with the test-only SQPOLL refusal set to errno {@code name}. */
    public PollerConfig withRefuseSqPoll(String name) {
        return new PollerConfig(backend, ringEntries, completionRatio, maxEvents, refuseUring, kqueueLibrary,
                sqPollIdleMillis, sqPollRequired, name);
    }
}
