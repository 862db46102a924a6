package io.weft.net;

import java.util.Locale;

/**
 * How a Weft virtual thread on an io_uring carrier does socket I/O, from the system property
 * {@code weft.net.mode}:
 * <ul>
 *   <li>{@code completion} (default): the operation itself goes to the ring (receive into a
 *       buffer the kernel picks from the carrier's buffer ring, send, multishot accept,
 *       connect) and the thread parks until its completion: no readiness round trip;</li>
 *   <li>{@code readiness}: try the system call, and on {@code EAGAIN} wait for readiness
 *       through the carrier's poller, as the JDK does.</li>
 * </ul>
 * On epoll and kqueue carriers it is always readiness; on threads that are not Weft virtual
 * threads the socket waits in {@code poll(2)}.
 */
public enum NetMode {
    COMPLETION,
    READINESS;

    public static final String PROPERTY = "weft.net.mode";

    /** Property: in completion mode, try a direct {@code send(2)} before queuing a ring send. */
    public static final String SEND_FIRST_PROPERTY = "weft.net.sendFirst";

    private static volatile NetMode current = parse(System.getProperty(PROPERTY));
    private static volatile boolean sendFirst = Boolean.parseBoolean(System.getProperty(SEND_FIRST_PROPERTY, "false"));

    /**
     * Whether a completion-mode write first tries a plain non-blocking {@code send(2)}
     * ({@code weft.net.sendFirst}), queuing an io_uring send only for what does not fit.
     */
    public static boolean sendFirst() {
        return sendFirst;
    }

    /** Property: the default of {@link WeftSocket#setWriteBehind} for new sockets (false). */
    public static final String WRITE_BEHIND_PROPERTY = "weft.net.writeBehind";

    private static volatile boolean writeBehind = Boolean.parseBoolean(System.getProperty(WRITE_BEHIND_PROPERTY, "false"));

    /**
     * Whether new {@link WeftSocket}s start with write-behind on ({@code weft.net.writeBehind},
     * default false): see {@link WeftSocket#setWriteBehind}.
     */
    public static boolean writeBehind() {
        return writeBehind;
    }

    /** Changes {@link #writeBehind()} for sockets made from now on, process-wide (tests and benchmarks). */
    public static void setWriteBehind(boolean on) {
        writeBehind = on;
    }

    /** Changes {@link #sendFirst()} process-wide (tests and benchmarks). */
    public static void setSendFirst(boolean on) {
        sendFirst = on;
    }

    /**
     * Property: in completion mode, receive with one multishot receive per socket instead of
     * a one-shot receive per read (default false).
     */
    public static final String MULTISHOT_RECV_PROPERTY = "weft.net.multishotRecv";

    /** Property: the bytes a multishot receive may queue ahead of the reader before it stops (default 65536). */
    public static final String RECV_QUEUE_BYTES_PROPERTY = "weft.net.recvQueueBytes";

    private static volatile boolean multishotRecv =
            Boolean.parseBoolean(System.getProperty(MULTISHOT_RECV_PROPERTY, "false"));
    private static final int RECV_QUEUE_BYTES = recvQueueBytes(System.getProperties());

    /**
     * Whether completion-mode reads use a multishot receive per socket
     * ({@code weft.net.multishotRecv}, default false): armed by the first read, it receives
     * chunk after chunk into a queue the reads take from, instead of one receive, and one
     * poll armed and torn down by the kernel, per read. See {@link ReceiveQueue}. Off by
     * default because it measured no faster in the pooler (docs/benchmarks.md), while it
     * holds up to {@link #recvQueueBytes()} of heap per socket whose reader falls behind.
     */
    public static boolean multishotRecv() {
        return multishotRecv;
    }

    /** Changes {@link #multishotRecv()} for reads from now on, process-wide (tests and benchmarks). */
    public static void setMultishotRecv(boolean on) {
        multishotRecv = on;
    }

    /**
     * How many received bytes a socket's multishot receive may queue ahead of its reader
     * before it is stopped and the rest waits in the kernel ({@code weft.net.recvQueueBytes},
     * default 65536, at least 1).
     */
    public static int recvQueueBytes() {
        return RECV_QUEUE_BYTES;
    }

    private static int recvQueueBytes(java.util.Properties props) {
        int n = io.weft.poller.ConfigProperties.intValue(props, RECV_QUEUE_BYTES_PROPERTY, 65536);
        if (n < 1) {
            throw new IllegalArgumentException(RECV_QUEUE_BYTES_PROPERTY + "=" + n + ": must be at least 1");
        }
        return n;
    }

    /** The mode in force: the system property's at start, or the last {@link #set}. */
    public static NetMode current() {
        return current;
    }

    /**
     * Changes the mode for every socket call from now on, process-wide: for tests and
     * benchmarks that compare the modes in one process. Calls in progress finish in their mode.
     */
    public static void set(NetMode mode) {
        current = java.util.Objects.requireNonNull(mode, "mode");
    }

    /** Parses a {@code weft.net.mode} value; null or blank is the default, completion. */
    public static NetMode parse(String value) {
        if (value == null || value.isBlank()) {
            return COMPLETION;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "completion" -> COMPLETION;
            case "readiness" -> READINESS;
            default -> throw new IllegalArgumentException(PROPERTY + "=" + value + ": must be completion or readiness");
        };
    }
}
