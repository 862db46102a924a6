package io.weft.poller;

/**
 * Readiness event bits, as {@code poll(2)} and epoll define them (the values are the same in
 * both). A readiness wait is armed for {@link #IN} or {@link #OUT}; its completion result is
 * the set of events that fired, which may include {@link #ERR}, {@link #HUP} and
 * {@link #RDHUP} whatever was asked for.
 */
public final class Events {
    public static final int IN = 0x001;
    public static final int PRI = 0x002;
    public static final int OUT = 0x004;
    public static final int ERR = 0x008;
    public static final int HUP = 0x010;
    public static final int RDHUP = 0x2000;

    private Events() {}

    /** Whether {@code result} (a completion result of a readiness wait) allows reading. */
    public static boolean readable(int result) {
        return result > 0 && (result & (IN | ERR | HUP | RDHUP)) != 0;
    }

    /** Whether {@code result} (a completion result of a readiness wait) allows writing. */
    public static boolean writable(int result) {
        return result > 0 && (result & (OUT | ERR | HUP)) != 0;
    }

    static int checkInterest(int event) {
        if (event != IN && event != OUT) {
            throw new IllegalArgumentException("a readiness wait is for Events.IN or Events.OUT, not 0x"
                    + Integer.toHexString(event));
        }
        return event;
    }
}
