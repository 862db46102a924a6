package io.weft.stress.soak;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The soak's byte streams: the same bytes whatever the chunking, and a mismatch found where it is. */
class ByteStreamTest {

    @Test
    void chunkingDoesNotChangeTheStream() {
        long seed = 42;
        byte[] whole = new byte[10_000];
        ByteStream.fill(seed, 0, whole, 0, whole.length);
        byte[] pieces = new byte[whole.length];
        SplittableRandom r = new SplittableRandom(1);
        for (int pos = 0; pos < pieces.length; ) {
            int n = Math.min(1 + r.nextInt(37), pieces.length - pos);
            ByteStream.fill(seed, pos, pieces, pos, n); // odd offsets and lengths: words split
            pos += n;
        }
        assertArrayEquals(whole, pieces);
    }

    @Test
    void streamsOfDifferentSeedsDiffer() {
        byte[] a = new byte[64];
        byte[] b = new byte[64];
        ByteStream.fill(1, 0, a, 0, a.length);
        ByteStream.fill(2, 0, b, 0, b.length);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
    }

    @Test
    void mismatchFindsTheFlippedByteAcrossScratchChunks() {
        long seed = 7;
        byte[] echo = new byte[5000];
        ByteStream.fill(seed, 1234, echo, 0, echo.length);
        byte[] scratch = new byte[512];
        assertEquals(-1, ByteStream.mismatch(seed, 1234, echo, 0, echo.length, scratch));
        echo[3333] ^= 1;
        assertEquals(3333, ByteStream.mismatch(seed, 1234, echo, 0, echo.length, scratch));
        // A shifted echo (one byte lost before it) fails at once.
        assertNotEquals(-1, ByteStream.mismatch(seed, 1233, echo, 0, echo.length, scratch));
    }
}
