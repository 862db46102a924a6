package io.weft.poller.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.weft.poller.sys.NativeMemory;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * {@code struct kevent} as each platform's {@code sys/event.h} declares it, and the platform
 * chosen from {@code os.name} / {@code os.version}. Pure Java: runs everywhere, no kqueue needed.
 */
class KeventLayoutTest {

    @Test
    void theSharedFieldsSitWhereEveryHeaderPutsThem() {
        // macOS, FreeBSD 11 and libkqueue: uintptr_t ident; int16_t filter; uint16_t flags;
        // uint32_t fflags; intptr_t data; void *udata;  FreeBSD 12+ keeps these offsets.
        assertEquals(0, Kevent.IDENT);
        assertEquals(8, Kevent.FILTER);
        assertEquals(10, Kevent.FLAGS);
        assertEquals(12, Kevent.FFLAGS);
        assertEquals(16, Kevent.DATA);
        assertEquals(24, Kevent.UDATA);
        assertEquals(32, Kevent.BASE_SIZE);
        assertEquals(16, Kevent.TIMESPEC_SIZE);
    }

    @Test
    void eachPlatformHasItsSizeAndUserFilter() {
        assertEquals(32, KqueuePlatform.MACOS.keventSize);
        assertEquals(-10, KqueuePlatform.MACOS.evfiltUser);
        assertEquals(32, KqueuePlatform.FREEBSD_11.keventSize);
        assertEquals(-11, KqueuePlatform.FREEBSD_11.evfiltUser);
        assertEquals(64, KqueuePlatform.FREEBSD_12.keventSize, "32 bytes more: uint64_t ext[4]");
        assertEquals(-11, KqueuePlatform.FREEBSD_12.evfiltUser);
        // libkqueue's installed sys/event.h (checked with offsetof against a build): 32 bytes, EVFILT_USER -11.
        assertEquals(32, KqueuePlatform.LIBKQUEUE.keventSize);
        assertEquals(-11, KqueuePlatform.LIBKQUEUE.evfiltUser);
    }

    @Test
    void thePlatformIsChosenAtRunTime() {
        assertEquals(KqueuePlatform.MACOS, KqueuePlatform.detect("Mac OS X", "14.5", false));
        assertEquals(KqueuePlatform.FREEBSD_11, KqueuePlatform.detect("FreeBSD", "11.4-RELEASE", false));
        assertEquals(KqueuePlatform.FREEBSD_12, KqueuePlatform.detect("FreeBSD", "12.0-RELEASE", false));
        assertEquals(KqueuePlatform.FREEBSD_12, KqueuePlatform.detect("FreeBSD", "14.1-RELEASE-p3", false));
        assertEquals(KqueuePlatform.LIBKQUEUE, KqueuePlatform.detect("Linux", "6.18", true));
        assertNull(KqueuePlatform.detect("Linux", "6.18", false), "Linux has no kqueue of its own");
        assertNull(KqueuePlatform.detect("Windows 11", "10.0", false));
    }

    @Test
    void anEntryIsWrittenAndReadAtThoseOffsets() {
        MemorySegment m = NativeMemory.allocate(2 * 64);
        try {
            // The second entry of a FreeBSD 12 array: the stride is the only difference.
            long off = KqueuePlatform.FREEBSD_12.keventSize;
            Kevent.set(m, off, 42, Kevent.EVFILT_WRITE, (short) (Kevent.EV_ADD | Kevent.EV_ONESHOT), 7, 0x1234_5678_9abcL);
            m.set(java.lang.foreign.ValueLayout.JAVA_SHORT, off + Kevent.FLAGS, (short) (Kevent.EV_EOF | Kevent.EV_ONESHOT));
            assertEquals(42, Kevent.ident(m, off));
            assertEquals(Kevent.EVFILT_WRITE, Kevent.filter(m, off));
            assertEquals(0x8010, Kevent.flags(m, off), "flags read unsigned: EV_EOF is bit 15");
            assertEquals(7, Kevent.fflags(m, off));
            assertEquals(0x1234_5678_9abcL, Kevent.udata(m, off));
            assertEquals(42, m.get(java.lang.foreign.ValueLayout.JAVA_LONG, 64), "ident at byte 64");
            assertEquals(0, Kevent.ident(m, 0), "the first entry is untouched");
        } finally {
            NativeMemory.free(m);
        }
    }

    @Test
    void aTimeoutIsSecondsAndNanoseconds() {
        MemorySegment ts = NativeMemory.allocate(Kevent.TIMESPEC_SIZE);
        try {
            Kevent.setTimespec(ts, 2_500_000_001L);
            assertEquals(2, ts.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0));
            assertEquals(500_000_001, ts.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8));
        } finally {
            NativeMemory.free(ts);
        }
    }
}
