package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.sys.Errno;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Recorder.Done;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** TIMEOUT: -ETIME after the time, -ECANCELED when cancelled first. */
@ExtendWith(LeakCheck.class)
class UringTimeoutTest extends UringTestBase {

    @Test
    void timeoutCompletesWithEtimeAfterTheTime() throws Exception {
        long t0 = System.nanoTime();
        ring.timeout(50 * MS, 1);
        Done d = rec.awaitOnly(ring, 1);
        long elapsed = System.nanoTime() - t0;
        assertEquals(-Errno.ETIME, d.result(), d::toString);
        assertTrue(elapsed >= 49 * MS, "fired after " + elapsed / 1e6 + " ms, before 50");
        assertTrue(elapsed < 5_000 * MS, "fired after " + elapsed / 1e6 + " ms");
    }

    @Test
    void timersFireInTheOrderOfTheirDeadlines() throws Exception {
        ring.timeout(60 * MS, 3);
        ring.timeout(20 * MS, 1);
        ring.timeout(40 * MS, 2);
        rec.pollUntil(ring, () -> rec.size() == 3, "three timers");
        assertEquals(java.util.List.of(1L, 2L, 3L), rec.all().stream().map(Done::token).toList());
        rec.all().forEach(d -> assertEquals(-Errno.ETIME, d.result(), d::toString));
    }

    @Test
    void aZeroTimeoutFiresAtOnce() throws Exception {
        long t0 = System.nanoTime();
        ring.timeout(0, 2);
        assertEquals(-Errno.ETIME, rec.awaitOnly(ring, 2).result());
        assertTrue(System.nanoTime() - t0 < 1_000 * MS);
    }

    @Test
    void aCancelledTimeoutCompletesWithEcanceledPromptly() throws Exception {
        ring.timeout(10_000 * MS, 3);
        ring.poll(0, rec);
        long t0 = System.nanoTime();
        ring.cancel(3);
        Done d = rec.awaitOnly(ring, 3);
        assertEquals(-Errno.ECANCELED, d.result(), d::toString);
        assertTrue(System.nanoTime() - t0 < 2_000 * MS);
    }

    @Test
    void aNegativeTimeoutIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ring.timeout(-1, 4));
    }
}
