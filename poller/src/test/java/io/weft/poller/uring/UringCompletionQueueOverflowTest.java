package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.Events;
import io.weft.poller.Poller;
import io.weft.poller.PollerConfig;
import io.weft.poller.Pollers;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Recorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A completion queue far smaller than what completes at once (the kernel keeps the overflow,
 * IORING_FEAT_NODROP): every completion still arrives exactly once, in poll and in close.
 */
@ExtendWith(LeakCheck.class)
class UringCompletionQueueOverflowTest {
    private static final PollerConfig TINY = PollerConfig.fromSystemProperties().withRingSize(4, 1);
    private static final int WAITS = 64;

    @Test
    void manyWaitsReadyAtOnceAllArrive() throws Exception {
        List<int[]> pipes = new ArrayList<>();
        Recorder r = new Recorder();
        try (Poller p = Pollers.open(Backend.IO_URING, TINY)) {
            for (int i = 0; i < WAITS; i++) {
                int[] pipe = Sockets.pipe(true);
                pipes.add(pipe);
                p.arm(pipe[1], Events.OUT, i); // an empty pipe is writable: all fire at once
            }
            r.pollUntil(p, () -> r.size() >= WAITS, WAITS + " write waits");
            r.assertQuietFor(p, 20_000_000L);
            for (int i = 0; i < WAITS; i++) {
                int result = r.only(i).result();
                assertTrue(Events.writable(result), "token " + i + ": " + Recorder.describe(result));
            }
        } finally {
            closeAll(pipes);
        }
    }

    @Test
    void closeWithManyWaitsCancelsEachOnce() throws Exception {
        List<int[]> pipes = new ArrayList<>();
        Recorder r = new Recorder();
        Poller p = Pollers.open(Backend.IO_URING, TINY);
        try {
            for (int i = 0; i < WAITS; i++) {
                int[] pipe = Sockets.pipe(true);
                pipes.add(pipe);
                p.arm(pipe[0], Events.IN, i); // never readable
            }
            p.poll(0, r);
            p.close(r);
            assertEquals(WAITS, r.size(), () -> r.all().toString());
            for (int i = 0; i < WAITS; i++) {
                assertEquals(-Errno.ECANCELED, r.only(i).result());
            }
        } finally {
            p.close();
            closeAll(pipes);
        }
    }

    private static void closeAll(List<int[]> pipes) throws Exception {
        for (int[] pipe : pipes) {
            Sockets.close(pipe[0]);
            Sockets.close(pipe[1]);
        }
    }
}
