package io.weft.net;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Helpers for the jcstress tests of net's protocols, which are package-private: the tests are
 * in package {@code io.weft.net} of the stress module (see {@code io.weft.scheduler.StressSupport}
 * for why that works).
 */
final class NetStressSupport {
    private NetStressSupport() {}

    private static final AtomicInteger NEXT_FD = new AtomicInteger();

    /**
     * A made-up descriptor number, 900000 to 999999, that no live state of the fork uses and
     * that is never open: these tests let net's code call {@code close(2)} on it, which then
     * fails harmlessly with {@code EBADF} (the process's descriptor limit is far below; the
     * runner's forks open at most ~10,000).
     */
    static int fakeFd() {
        return 900_000 + Math.floorMod(NEXT_FD.getAndIncrement(), 100_000);
    }
}
