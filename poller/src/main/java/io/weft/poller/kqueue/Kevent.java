package io.weft.poller.kqueue;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct kevent}: where its fields sit, and the flag values the poller uses.
 *
 * <p>Every 64-bit platform weft supports agrees on the first 32 bytes: {@code uintptr_t ident}
 * at 0, {@code int16_t filter} at 8, {@code uint16_t flags} at 10, {@code uint32_t fflags} at
 * 12, {@code intptr_t data} at 16, {@code void *udata} at 24. FreeBSD 12 and later append
 * {@code uint64_t ext[4]}, so an entry there is 64 bytes; the array stride is all that
 * changes. {@link KqueuePlatform} says which size applies.
 *
 * <p>The {@code EV_*} and {@code NOTE_TRIGGER} values below are the same on macOS, FreeBSD and
 * libkqueue; the one value that differs, {@code EVFILT_USER}, lives in {@link KqueuePlatform}.
 */
final class Kevent {
    static final short EVFILT_READ = -1;
    static final short EVFILT_WRITE = -2;

    static final short EV_ADD = 0x0001;
    static final short EV_DELETE = 0x0002;
    static final short EV_ONESHOT = 0x0010;
    static final short EV_CLEAR = 0x0020;
    static final int EV_ERROR = 0x4000;
    static final int EV_EOF = 0x8000;

    /** {@code EVFILT_USER}: fire the event (the other fflags bits are not used). */
    static final int NOTE_TRIGGER = 0x01000000;

    static final long IDENT = 0;
    static final long FILTER = 8;
    static final long FLAGS = 10;
    static final long FFLAGS = 12;
    static final long DATA = 16;
    static final long UDATA = 24;

    /** Size of the fields every platform shares; FreeBSD 12+ adds 32 bytes of {@code ext}. */
    static final long BASE_SIZE = 32;

    /** {@code struct timespec}: {@code time_t tv_sec}, {@code long tv_nsec}; 16 bytes on LP64. */
    static final long TIMESPEC_SIZE = 16;

    private Kevent() {}

    /**
     * Fills the entry at {@code offset} (the rest of it, {@code ext} included, must be zero,
     * as {@code NativeMemory.allocate} leaves it).
     */
    static void set(MemorySegment s, long offset, long ident, short filter, short flags, int fflags, long udata) {
        s.set(JAVA_LONG, offset + IDENT, ident);
        s.set(JAVA_SHORT, offset + FILTER, filter);
        s.set(JAVA_SHORT, offset + FLAGS, flags);
        s.set(JAVA_INT, offset + FFLAGS, fflags);
        s.set(JAVA_LONG, offset + DATA, 0L);
        s.set(JAVA_LONG, offset + UDATA, udata);
    }

    static long ident(MemorySegment s, long offset) {
        return s.get(JAVA_LONG, offset + IDENT);
    }

    static short filter(MemorySegment s, long offset) {
        return s.get(JAVA_SHORT, offset + FILTER);
    }

    /** The flags as an unsigned value (EV_EOF is the sign bit of the 16-bit field). */
    static int flags(MemorySegment s, long offset) {
        return Short.toUnsignedInt(s.get(JAVA_SHORT, offset + FLAGS));
    }

    static int fflags(MemorySegment s, long offset) {
        return s.get(JAVA_INT, offset + FFLAGS);
    }

    static long data(MemorySegment s, long offset) {
        return s.get(JAVA_LONG, offset + DATA);
    }

    static long udata(MemorySegment s, long offset) {
        return s.get(JAVA_LONG, offset + UDATA);
    }

    /** Writes a relative timeout of {@code nanos} (not negative) into a {@code struct timespec}. */
    static void setTimespec(MemorySegment ts, long nanos) {
        ts.set(JAVA_LONG, 0, nanos / 1_000_000_000L);
        ts.set(JAVA_LONG, 8, nanos % 1_000_000_000L);
    }
}
