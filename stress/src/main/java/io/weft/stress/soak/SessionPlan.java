package io.weft.stress.soak;

import java.util.SplittableRandom;

/**
 * What one client connection will do, drawn at random before it connects.
 *
 * @param kind         how it ends (and whether it stalls)
 * @param seed         its byte stream ({@link ByteStream})
 * @param ipv6         to ::1 instead of 127.0.0.1
 * @param total        bytes the client sends
 * @param resetAt      RESET: the client resets once this many echoed bytes have come back
 * @param stallMillis  STALL: how long the reader stops reading, after the first echoed bytes
 */
record SessionPlan(Kind kind, long seed, boolean ipv6, long total, long resetAt, long stallMillis) {

    enum Kind {
        /** Sends, reads every byte back, then closes: a normal close. */
        CLOSE,
        /** Sends, then {@code shutdownOutput()}, then reads the rest of the echo up to end of stream. */
        HALF_CLOSE,
        /** Sends, then resets (SO_LINGER 0, close: an RST) after part of the echo came back. */
        RESET,
        /**
         * With small socket buffers, sends a lot while its reader stops for seconds: the pipe
         * fills, the server's write blocks on the full socket buffer and then its reads stop;
         * then reads everything back and closes (half the time by half-close).
         */
        STALL
    }

    /** Largest total of a non-stalling connection; sizes are spread log-uniformly from 1 byte. */
    static final long MAX_TOTAL = 256 * 1024;
    /** A stalling connection sends this much: more than the kernel buffers between the two readers. */
    static final long STALL_TOTAL = 4L << 20;

    /**
     * Draws a plan. {@code stallAllowed} is false when the cap on concurrent stalls is reached
     * (each stall holds megabytes in kernel buffers); it then becomes a normal close.
     */
    static SessionPlan draw(SplittableRandom r, boolean ipv6Available, boolean stallAllowed) {
        int k = r.nextInt(100);
        Kind kind = k < 35 ? Kind.CLOSE : k < 65 ? Kind.HALF_CLOSE : k < 88 ? Kind.RESET : Kind.STALL;
        if (kind == Kind.STALL && !stallAllowed) kind = Kind.CLOSE;
        boolean ipv6 = ipv6Available && r.nextInt(16) == 0;
        long total = kind == Kind.STALL ? STALL_TOTAL : Math.max(1, (long) Math.exp(r.nextDouble() * Math.log(MAX_TOTAL)));
        long resetAt = kind == Kind.RESET ? r.nextLong(total + 1) : total;
        long stallMillis = kind == Kind.STALL ? 1000 + r.nextInt(4000) : 0;
        return new SessionPlan(kind, r.nextLong(), ipv6, total, resetAt, stallMillis);
    }
}
