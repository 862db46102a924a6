package io.weft.poller.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.LeakCheck;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The calls macOS takes where it lacks {@code SOCK_NONBLOCK | SOCK_CLOEXEC}, {@code accept4}
 * and {@code SO_DOMAIN}: plain socket(2) and accept(2) followed by fcntl, and the family read
 * from getsockname. They are portable, so they run here too, with this system's numbers.
 * ({@code SO_NOSIGPIPE}, the one macOS-only step, is checked by the live test on macOS.)
 */
@ExtendWith(LeakCheck.class)
class MacosSocketPathsTest {

    private static void assertNonBlockingAndCloseOnExec(int fd, boolean nonBlocking) {
        assertEquals(nonBlocking, (Libc.fcntl(fd, Sockets.F_GETFL, 0) & Sockets.O_NONBLOCK) != 0, "O_NONBLOCK");
        assertEquals(Sockets.FD_CLOEXEC, Libc.fcntl(fd, Sockets.F_GETFD, 0) & Sockets.FD_CLOEXEC, "FD_CLOEXEC");
    }

    @Test
    void socketThenFcntlGivesWhatTheTypeFlagsWould() throws ErrnoException {
        int plain = ErrnoException.check("socket", Libc.socket(Sockets.AF_INET, Sockets.SOCK_STREAM, 0));
        assertEquals(0, Libc.fcntl(plain, Sockets.F_GETFL, 0) & Sockets.O_NONBLOCK, "a plain socket blocks");
        int fd = Sockets.configure(plain, true);
        try {
            assertEquals(plain, fd);
            assertNonBlockingAndCloseOnExec(fd, true);
            assertEquals(Sockets.AF_INET, Sockets.familyFromName(fd), "an unbound socket's name has its family");
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void acceptThenFcntlGivesWhatAccept4Would() throws ErrnoException {
        int listener = Sockets.listenLoopback(4, false);
        int client = -1;
        int accepted = -1;
        try {
            client = Sockets.connectLoopback(Sockets.localPort(listener));
            int plain = ErrnoException.check("accept", Libc.accept(listener, MemorySegment.NULL, MemorySegment.NULL));
            accepted = Sockets.configure(plain, true);
            assertTrue(accepted >= 0, () -> Errno.describe(-plain));
            assertNonBlockingAndCloseOnExec(accepted, true);
            assertEquals(Sockets.AF_INET, Sockets.familyFromName(accepted));
            assertEquals(Sockets.localAddress(client), Sockets.remoteAddress(accepted));
        } finally {
            for (int fd : new int[] {accepted, client, listener}) {
                if (fd >= 0) Libc.close(fd);
            }
        }
    }

    @Test
    void configureClosesTheDescriptorWhenItFails() {
        int r = Sockets.configure(1 << 20, true); // no such descriptor
        assertEquals(-Errno.EBADF, r);
    }

    @Test
    void theDualStackFamilyFromItsName() throws ErrnoException {
        int fd = Sockets.streamSocket();
        try {
            assertEquals(Sockets.family(fd), Sockets.familyFromName(fd));
            assertNotEquals(0, Sockets.familyFromName(fd));
        } finally {
            Libc.close(fd);
        }
    }
}
