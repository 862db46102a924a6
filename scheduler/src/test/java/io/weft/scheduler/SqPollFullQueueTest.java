package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.poller.Backend;
import io.weft.poller.BackendUnavailableException;
import io.weft.poller.CompletionPoller;
import io.weft.poller.PollerConfig;
import io.weft.poller.testkit.LeakCheck;
import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SQPOLL, submission queue full: a virtual thread that queues an operation on its carrier's
 * ring while the SQ thread is awake but has not yet consumed what was published waits inside
 * the poller until there is room. That wait must keep the thread on its carrier. It used to be
 * {@code Thread.yield()}, which from a virtual thread unmounts it: the thread could resume on
 * the other carrier and go on claiming and filling SQEs of the first carrier's ring from the
 * second carrier's OS thread, racing the first carrier on the same slots (torn SQEs: a send's
 * descriptor with another send's buffer, operations run twice or lost). The echo benchmark at
 * 1,000 connections saw other connections' bytes, repeated echoes and hung requests.
 *
 * <p>Small rings (8 entries) and 200 threads on two carriers fill the queue over and over; a
 * 50 ms idle keeps the SQ thread awake, so the wait is the awake thread's (no wake-up enter).
 * With {@code Thread.yield()} in that wait, submissions came back on the other carrier in 5 of
 * 5 runs (7 to 177 of them). Each submission records the carrier it started on and the one it ended on;
 * they must be the same, and every operation must complete exactly once with its own result.
 * Skipped where the kernel refuses io_uring or SQPOLL.
 */
@ExtendWith(LeakCheck.class)
class SqPollFullQueueTest {
    private static final int THREADS = 200;
    private static final int OPS_PER_THREAD = 100;

    /** A NOP on the carrier's ring that notes whether its submission left the carrier. */
    private static final class Nop extends RingOperation {
        private final Queue<String> moves;

        Nop(Queue<String> moves) {
            this.moves = moves;
        }

        @Override
        protected void submit(CompletionPoller ring, long token) throws IOException {
            Thread before = VirtualThreads.currentCarrierThread();
            ring.nop(token);
            Thread after = VirtualThreads.currentCarrierThread();
            if (before != after) {
                moves.add(Thread.currentThread() + " queued on " + before.getName() + "'s ring, returned on "
                        + after.getName());
            }
        }
    }

    @Test
    void aFullQueueKeepsTheSubmittingThreadOnItsCarrier() throws Exception {
        PollerConfig poller = new PollerConfig(Backend.IO_URING, 8, 4, 256, null, null, 50, true, null);
        WeftScheduler weft;
        try {
            weft = WeftScheduler.start(new SchedulerConfig(2, 4096, 32, 2000, poller));
        } catch (BackendUnavailableException e) {
            assumeTrue(false, "no io_uring with SQPOLL here: " + e.getMessage());
            return;
        }
        Queue<String> moves = new ConcurrentLinkedQueue<>();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong completed = new AtomicLong();
        CountDownLatch done = new CountDownLatch(THREADS);
        try {
            for (int t = 0; t < THREADS; t++) {
                weft.startVirtualThread(() -> {
                    try {
                        for (int i = 0; i < OPS_PER_THREAD && moves.isEmpty(); i++) {
                            int r = new Nop(moves).run(0);
                            if (r != 0) {
                                failures.add("NOP completed with " + r);
                                return;
                            }
                            completed.incrementAndGet();
                        }
                    } catch (IOException | RuntimeException e) {
                        failures.add(e.toString());
                    } finally {
                        done.countDown();
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            boolean finished;
            while (!(finished = done.await(100, TimeUnit.MILLISECONDS)) && moves.isEmpty()
                    && System.nanoTime() < deadline) {
                // until every thread is done, a submission moved, or the time is up
            }
            assertTrue(moves.isEmpty(), moves.size() + " submissions left their carrier inside the poller, e.g. "
                    + moves.peek());
            assertTrue(failures.isEmpty(), failures.size() + " threads failed, e.g. " + failures.peek());
            assertTrue(finished, (THREADS - done.getCount()) + " of " + THREADS + " threads finished in 60 s ("
                    + completed.get() + " operations completed): operations were lost");
            assertEquals((long) THREADS * OPS_PER_THREAD, completed.get());
        } finally {
            weft.close();
        }
    }
}
