package io.weft.stress.soak;

/**
 * The bytes a soak connection sends: a pure function of the connection's seed and the byte's
 * position, so the writer and the reader of one connection compute the same stream without
 * sharing state, whatever chunk sizes each side happens to use. An echo from another
 * connection (other seed), a shifted echo (lost, duplicated or reordered bytes) or a flipped
 * bit shows up as a mismatch at a known position.
 */
final class ByteStream {
    private ByteStream() {}

    /** Fills {@code buf[off, off + len)} with the stream's bytes from {@code position} on. */
    static void fill(long seed, long position, byte[] buf, int off, int len) {
        long word = Long.MIN_VALUE; // the 8-byte word that holds position p: index p >>> 3
        long wordIndex = -1;
        for (int i = 0; i < len; i++) {
            long p = position + i;
            long w = p >>> 3;
            if (w != wordIndex) {
                wordIndex = w;
                word = mix(seed + w * 0x9E3779B97F4A7C15L);
            }
            buf[off + i] = (byte) (word >>> ((p & 7) << 3));
        }
    }

    /**
     * The first position in {@code [0, len)} where {@code buf[off..]} differs from the stream
     * at {@code position}, or -1 if it matches byte for byte.
     */
    static int mismatch(long seed, long position, byte[] buf, int off, int len, byte[] scratch) {
        for (int done = 0; done < len; ) {
            int n = Math.min(scratch.length, len - done);
            fill(seed, position + done, scratch, 0, n);
            int m = java.util.Arrays.mismatch(buf, off + done, off + done + n, scratch, 0, n);
            if (m >= 0) return done + m;
            done += n;
        }
        return -1;
    }

    /** SplitMix64's finaliser: neighbouring words get unrelated bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
