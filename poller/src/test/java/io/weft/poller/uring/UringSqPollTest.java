package io.weft.poller.uring;

import static io.weft.poller.uring.Uring.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.BackendUnavailableException;
import io.weft.poller.PollerConfig;
import io.weft.poller.Pollers;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Recorder;
import io.weft.poller.testkit.SqPollThreads;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SQPOLL rings in particular (the other ring tests also run on SQPOLL in the poller's
 * {@code sqpoll} surefire execution): the kernel thread's life, the NEED_WAKEUP handshake with a
 * thread that has gone to sleep, a full queue and an overflowing CQ, the flags the kernel
 * refuses with SQPOLL, and the refusal paths.
 */
@ExtendWith(LeakCheck.class)
class UringSqPollTest {
    private static final long MS = 1_000_000L;
    /** So short that the thread sleeps between most steps: every submission needs the wake-up. */
    private static final PollerConfig SQPOLL_1MS = PollerConfig.fromSystemProperties().withSqPoll(1, true);

    private final Recorder rec = new Recorder();

    @Test
    void theSqThreadLivesWithTheRingAndEndsAfterClose() throws Exception {
        assertEquals(0, SqPollThreads.awaitNone(5_000), "no SQPOLL thread before the test");
        try (IoUringPoller p = (IoUringPoller) Pollers.open(Backend.IO_URING, SQPOLL_1MS)) {
            assertTrue(p.sqPoll());
            assertFalse(p.deferredTaskRun(), "DEFER_TASKRUN is not allowed with SQPOLL");
            assertEquals(1, SqPollThreads.awaitCount(1, 5_000), "one iou-sqp thread per SQPOLL ring");
        }
        assertEquals(0, SqPollThreads.awaitNone(5_000), "the SQPOLL thread is gone after close");
    }

    @Test
    void aSleepingSqThreadIsWokenForEverySubmission() throws Exception {
        try (IoUringPoller p = (IoUringPoller) Pollers.open(Backend.IO_URING, SQPOLL_1MS)) {
            for (int round = 0; round < 20; round++) {
                Thread.sleep(5); // past the 1 ms idle time: the thread has set NEED_WAKEUP and sleeps
                p.nop(round);
                p.flush(); // publishes and, seeing NEED_WAKEUP, wakes it; nothing else does below
                long t0 = System.nanoTime();
                while (rec.count(round) == 0 && System.nanoTime() - t0 < 2_000 * MS) {
                    p.poll(0, rec); // no system call while the thread is awake
                }
                assertEquals(0, rec.only(round).result(), "round " + round + ": the nop never ran (lost wake-up?)");
            }
        }
    }

    @Test
    void aFullQueueWaitsForTheSqThreadAndAnOverflowingCqLosesNothing() throws Exception {
        // 4 SQ entries, 4 CQ entries, 500 nops queued without a poll: claim must wait for the
        // thread to consume (SQ_WAIT), and most completions overflow the CQ (the kernel keeps
        // them, NODROP, and sets IORING_SQ_CQ_OVERFLOW until an enter with GETEVENTS).
        int count = 500;
        try (IoUringPoller p = (IoUringPoller) Pollers.open(Backend.IO_URING, SQPOLL_1MS.withRingSize(4, 1))) {
            for (int i = 0; i < count; i++) {
                p.nop(i);
            }
            rec.pollUntil(p, () -> rec.size() >= count, "all " + count + " nops");
            BitSet seen = new BitSet(count);
            for (Recorder.Done d : rec.all()) {
                assertFalse(seen.get((int) d.token()), () -> "twice: " + d);
                seen.set((int) d.token());
            }
            assertEquals(count, seen.cardinality());
        }
    }

    @Test
    void theKernelRefusesDeferredAndCooperativeTaskRunWithSqPoll() throws Exception {
        // Why RingFlags.sqPollRing() asks for neither: this kernel says EINVAL to both.
        int base = SETUP_CQSIZE | SETUP_CLAMP | SETUP_SUBMIT_ALL | SETUP_SQPOLL;
        for (int extra : new int[] {SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN, SETUP_COOP_TASKRUN}) {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> Ring.setup(8, 8, new int[] {base | extra}, 10, null).close());
            assertEquals(Errno.EINVAL, e.errno(), e::getMessage);
        }
        Ring.setup(8, 8, new int[] {base | SETUP_SINGLE_ISSUER}, 10, null).close(); // and accepts this one
        assertEquals(0, SqPollThreads.awaitNone(5_000));
    }

    @Test
    void aRefusedSqPollFallsBackToAPlainRing() throws Exception {
        PollerConfig refused = PollerConfig.defaults().withSqPoll(10, false).withRefuseSqPoll("EPERM");
        try (IoUringPoller p = (IoUringPoller) Pollers.open(Backend.IO_URING, refused)) {
            assertFalse(p.sqPoll());
            p.nop(1);
            assertEquals(0, rec.awaitOnly(p, 1).result());
        }
    }

    @Test
    void aRefusedSqPollFailsWhenRequired() {
        PollerConfig refused = PollerConfig.defaults().withSqPoll(10, true).withRefuseSqPoll("EPERM");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Pollers.open(Backend.IO_URING, refused).close());
        assertTrue(e.getMessage().contains("EPERM") && e.getMessage().contains("weft.uring.sqpollRequired"),
                e::getMessage);
    }
}
