package io.weft.poller.epoll;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct epoll_event}: a 32-bit event mask and 64 bits of user data. On x86_64 the
 * kernel declares it packed (12 bytes, data at offset 4); elsewhere it has natural alignment
 * (16 bytes, data at offset 8).
 */
final class EpollEvent {
    static final int EPOLLIN = 0x001;
    static final int EPOLLPRI = 0x002;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;
    static final int EPOLLRDHUP = 0x2000;
    static final int EPOLLONESHOT = 1 << 30;

    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLL_CLOEXEC = 0x80000;

    private static final boolean PACKED = isX86_64(System.getProperty("os.arch", ""));

    static final long SIZE = PACKED ? 12 : 16;
    private static final long DATA_OFFSET = PACKED ? 4 : 8;

    private EpollEvent() {}

    static boolean isX86_64(String arch) {
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    static int events(MemorySegment array, int index) {
        return array.get(JAVA_INT_UNALIGNED, index * SIZE);
    }

    static long data(MemorySegment array, int index) {
        return array.get(JAVA_LONG_UNALIGNED, index * SIZE + DATA_OFFSET);
    }

    static void set(MemorySegment event, int events, long data) {
        event.set(JAVA_INT_UNALIGNED, 0, events);
        event.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
    }
}
