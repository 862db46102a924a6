package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.CompletionPoller;
import io.weft.poller.PollerConfig;
import io.weft.poller.Pollers;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Recorder;
import io.weft.poller.testkit.Recorder.Done;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** NOP: the ring itself. One round trip, flush counts, and far more than the ring holds. */
@ExtendWith(LeakCheck.class)
class UringNopTest extends UringTestBase {

    @Test
    void nopRoundTrip() throws Exception {
        ring.nop(7);
        int n = ring.poll(5_000 * MS, rec);
        assertEquals(1, n, () -> rec.all().toString());
        Done d = rec.only(7);
        assertEquals(0, d.result());
        assertEquals(0, d.flags());
    }

    @Test
    void flushSubmitsWhatIsQueuedAndSaysHowMany() throws Exception {
        ring.nop(1);
        ring.nop(2);
        ring.nop(3);
        int flushed = ring.flush();
        assertTrue(flushed >= 3, "flush() = " + flushed + " after queuing three nops");
        assertEquals(0, ring.flush(), "nothing is left to flush");
        rec.pollUntil(ring, () -> rec.size() == 3, "three nops");
        for (long t = 1; t <= 3; t++) {
            assertEquals(0, rec.only(t).result());
        }
    }

    @ParameterizedTest(name = "{0} nops, {1} entries, CQ {2}x")
    @CsvSource({"1000, 8, 4", "1000, 8, 1", "300, 2, 1", "5000, 256, 4"})
    void manyMoreNopsThanTheRingHoldsEachCompleteExactlyOnce(int count, int entries, int cqRatio) throws Exception {
        Recorder r = new Recorder();
        try (CompletionPoller small = (CompletionPoller) Pollers.open(Backend.IO_URING,
                PollerConfig.fromSystemProperties().withRingSize(entries, cqRatio))) {
            for (int i = 0; i < count; i++) {
                small.nop(i);
            }
            r.pollUntil(small, () -> r.size() >= count, "all " + count + " nops");
            r.assertQuietFor(small, 20 * MS);
            BitSet seen = new BitSet(count);
            for (Done d : r.all()) {
                assertTrue(d.token() >= 0 && d.token() < count, () -> "unexpected token " + d);
                assertTrue(!seen.get((int) d.token()), () -> "token delivered twice: " + d);
                seen.set((int) d.token());
                assertEquals(0, d.result(), d::toString);
                assertEquals(0, d.flags(), d::toString);
            }
            assertEquals(count, seen.cardinality());
        }
    }

    @Test
    void nopsQueuedFromTheHandlerGoOutWithTheNextPoll() throws Exception {
        int[] seen = new int[1];
        ring.nop(0);
        long deadline = System.nanoTime() + 5_000 * MS;
        while (seen[0] < 100 && System.nanoTime() < deadline) {
            ring.poll(100 * MS, (token, result, flags) -> {
                assertEquals(seen[0], token);
                seen[0]++;
                try {
                    if (token < 99) ring.nop(token + 1);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        assertEquals(100, seen[0]);
    }
}
