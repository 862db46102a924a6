package io.weft.poller.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.Events;
import io.weft.poller.Poller;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.NativeFiles;
import io.weft.poller.testkit.Recorder.Done;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What arm() refuses, and how each backend reports a descriptor the kernel refuses. */
@EveryBackend
@ExtendWith(LeakCheck.class)
class ArmValidationContractTest extends PollerContract {

    @Test
    void armingTheSameWaitTwiceFailsAndKeepsTheFirst() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.IN, 1);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> poller.arm(lb.server(), Events.IN, 2));
            assertTrue(e.getMessage().contains("fd " + lb.server()), e::getMessage);

            Sockets.writeFully(lb.client(), new byte[] {1});
            rec.awaitOnly(poller, 1);
            assertEquals(0, rec.count(2), () -> rec.all().toString());
        }
    }

    @Test
    void negativeTokensAreRefused() throws Exception {
        try (Loopback lb = Loopback.open()) {
            assertThrows(IllegalArgumentException.class, () -> poller.arm(lb.server(), Events.IN, -5));
            assertThrows(IllegalArgumentException.class, () -> poller.arm(lb.server(), Events.OUT, Long.MIN_VALUE));
            assertThrows(IllegalArgumentException.class, () -> poller.arm(lb.server(), Events.OUT, Poller.NO_TOKEN));
            // Nothing was left half-armed: the same waits arm fine now.
            assertEquals(Poller.NO_TOKEN, poller.disarm(lb.server(), Events.IN));
            poller.arm(lb.server(), Events.OUT, Long.MAX_VALUE);
            Done d = rec.awaitOnly(poller, Long.MAX_VALUE);
            assertTrue(Events.writable(d.result()), d::toString);
        }
    }

    @Test
    void onlyInOrOutCanBeArmed() throws Exception {
        try (Loopback lb = Loopback.open()) {
            for (int bad : new int[] {0, Events.IN | Events.OUT, Events.PRI, Events.HUP, Events.RDHUP}) {
                assertThrows(IllegalArgumentException.class, () -> poller.arm(lb.server(), bad, 7),
                        "event 0x" + Integer.toHexString(bad));
            }
            rec.assertQuietFor(poller, 20 * MS);
        }
    }

    @Test
    void aDescriptorThatIsNotOpenFailsAsTheBackendDocuments() throws Exception {
        int fd = NativeFiles.unusedDescriptor();
        if (backend != Backend.IO_URING) { // epoll_ctl and kevent both check the descriptor at once
            ErrnoException e = assertThrows(ErrnoException.class, () -> poller.arm(fd, Events.IN, 9));
            assertEquals(Errno.EBADF, e.errno(), e::getMessage);
            assertTrue(e.getMessage().contains("EBADF"), e::getMessage);
        } else {
            poller.arm(fd, Events.IN, 9); // io_uring learns of it only in the completion
            Done d = rec.awaitOnly(poller, 9);
            assertEquals(-Errno.EBADF, d.result(), d::toString);
        }
        // Either way the wait is gone, and the slot can be armed again.
        assertEquals(Poller.NO_TOKEN, poller.disarm(fd, Events.IN));
        rec.assertQuietFor(poller, 20 * MS);
    }

    @Test
    void aRegularFileCannotBeWaitedOnWithEpollAndIsReadableElsewhere(@TempDir Path dir) throws Exception {
        int fd = NativeFiles.openReadWrite(dir.resolve("plain"));
        try {
            if (backend == Backend.EPOLL) {
                ErrnoException e = assertThrows(ErrnoException.class, () -> poller.arm(fd, Events.IN, 3));
                assertEquals(Errno.EPERM, e.errno(), e::getMessage);
                assertEquals(Poller.NO_TOKEN, poller.disarm(fd, Events.IN));
            } else if (backend == Backend.KQUEUE) {
                // kqueue's vnode read filter fires while the offset is before the end of the
                // file (libkqueue: a regular file is always ready), so give it a byte to read.
                Files.write(dir.resolve("plain"), new byte[] {1});
                poller.arm(fd, Events.IN, 3);
                Done d = rec.awaitOnly(poller, 3);
                assertTrue(Events.readable(d.result()), d::toString);
            } else {
                // io_uring polls the file, and a regular file is always ready.
                poller.arm(fd, Events.IN, 3);
                Done d = rec.awaitOnly(poller, 3);
                assertTrue(Events.readable(d.result()), d::toString);
            }
        } finally {
            poller.close();
            Sockets.close(fd);
        }
    }
}
