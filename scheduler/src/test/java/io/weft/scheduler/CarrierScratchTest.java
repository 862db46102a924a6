package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.sys.CallStates;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.FileSyscalls;
import io.weft.poller.sys.Libc;
import io.weft.poller.testkit.CommonCleanerLock;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A carrier lends its scratch area ({@link CallStates}: the errno slot and an iovec) to every
 * virtual thread mounted on it, so a new virtual thread's first system call allocates nothing
 * and takes no lock. The risk of sharing is a wrong errno: these tests run many threads that
 * share two carriers' slots, each checking the errno of every failing call it makes.
 */
class CarrierScratchTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    static java.util.stream.Stream<Backend> backends() {
        return SchedulerFixture.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aVirtualThreadUsesItsCarriersScratch(Backend backend) throws Exception {
        try (WeftScheduler weft = WeftScheduler.start(SchedulerFixture.config(backend, 1))) {
            MemorySegment[] seen = new MemorySegment[2];
            Thread t = weft.startVirtualThread(() -> {
                seen[0] = CallStates.current();
                seen[1] = Carrier.current().scratch();
            });
            assertTrue(t.join(PATIENCE));
            assertSame(seen[1], seen[0]);
        }
    }

    /**
     * A fresh virtual thread's system call takes no lock: with the JDK's common cleaner lock
     * held here (what the thread-local slot's automatic arena registers under), it still
     * completes. With a slot of its own per thread it would stay BLOCKED.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void aFreshVirtualThreadsSystemCallTakesNoLock(Backend backend) throws Exception {
        try (WeftScheduler weft = WeftScheduler.start(SchedulerFixture.config(backend, 1))) {
            int[] result = new int[1];
            Object cleanerList = CommonCleanerLock.get();
            Thread t;
            synchronized (cleanerList) {
                t = weft.startVirtualThread(() -> result[0] = Libc.close(-1));
                assertTrue(t.join(PATIENCE), "a fresh virtual thread's close(2) waited for the common cleaner's lock: "
                        + t.getState());
            }
            assertEquals(-Errno.EBADF, result[0]);
        }
    }

    /**
     * Threads that take turns on two carriers' slots, each call's errno checked: a failing
     * {@code close(-1)} ({@code EBADF}), a {@code recv} from {@code /dev/null}
     * ({@code ENOTSOCK}), a successful {@code write} to it (whose slot is left as it was), with
     * yields between them so that the threads interleave on the carriers.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void errnoStaysEachThreadsOwnWhileThreadsShareTheirCarriersScratch(Backend backend) throws Exception {
        int devNull = open("/dev/null", FileSyscalls.O_RDWR);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        try (WeftScheduler weft = WeftScheduler.start(SchedulerFixture.config(backend, 2));
             Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(64);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                threads.add(weft.startVirtualThread(() -> {
                    for (int k = 0; k < 200; k++) {
                        expect(wrong, "close(-1)", -Errno.EBADF, Libc.close(-1));
                        Thread.yield();
                        expect(wrong, "recv(/dev/null)", -Errno.ENOTSOCK, Libc.recv(devNull, buf, 64, 0));
                        Thread.yield();
                        expect(wrong, "write(/dev/null)", 64, Libc.write(devNull, buf, 64));
                    }
                }));
            }
            for (Thread t : threads) {
                assertTrue(t.join(PATIENCE), "a thread did not finish: " + t.getState());
            }
        } finally {
            Libc.close(devNull);
        }
        assertTrue(wrong.isEmpty(), () -> wrong.size() + " wrong results, e.g. " + wrong.peek());
    }

    private static void expect(ConcurrentLinkedQueue<String> wrong, String call, long expected, long got) {
        if (got != expected && wrong.size() < 100) {
            wrong.add(call + " returned " + got + ", expected " + expected);
        }
    }

    private static int open(String path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            int fd = FileSyscalls.openat(FileSyscalls.AT_FDCWD, a.allocateFrom(path), flags | FileSyscalls.O_CLOEXEC, 0);
            assertTrue(fd >= 0, () -> "open " + path + ": " + fd);
            return fd;
        }
    }
}
