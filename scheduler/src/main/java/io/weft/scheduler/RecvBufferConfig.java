package io.weft.scheduler;

import io.weft.poller.ConfigProperties;

/**
 * The size of each carrier's receive buffer ring (io_uring only), from system properties read
 * once: {@code weft.uring.recvBuffers} (default 256, a power of two up to 32768) buffers of
 * {@code weft.uring.recvBufferSize} bytes (default 16384). Buffers are given back as soon as
 * the carrier has copied a completion's data out, so the ring needs room only for the
 * receives that complete within one reap; a receive that finds it empty is retried.
 */
final class RecvBufferConfig {
    static final int GROUP_ID = 0;
    static final int COUNT = count();
    static final int SIZE = size();

    private RecvBufferConfig() {}

    private static int count() {
        int n = ConfigProperties.intValue(System.getProperties(), "weft.uring.recvBuffers", 256);
        if (n < 1 || n > 32768 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("weft.uring.recvBuffers=" + n + ": must be a power of two from 1 to 32768");
        }
        return n;
    }

    private static int size() {
        int n = ConfigProperties.intValue(System.getProperties(), "weft.uring.recvBufferSize", 16384);
        if (n < 64 || n > (1 << 20)) {
            throw new IllegalArgumentException("weft.uring.recvBufferSize=" + n + ": must be from 64 to 1048576");
        }
        return n;
    }
}
