package io.weft.files;

import io.weft.scheduler.RingOperation;

/**
 * Where one file system call runs, chosen per call from the calling thread, so the same
 * channel may be used from any thread:
 * <ul>
 *   <li>{@link #RING}: a Weft virtual thread whose carrier runs io_uring and whose kernel has the
 *       opcode: an io_uring operation on that carrier's ring while the thread parks.</li>
 *   <li>{@link #POOL}: any other virtual thread (a Weft carrier on epoll or kqueue, the JDK's
 *       own scheduler): the blocking call runs on {@link BlockingPool} while the thread parks,
 *       so its carrier is free. (The JDK compensates for blocking file I/O only in its own
 *       ForkJoinPool, by adding carriers; Weft's carriers own pollers and cannot be replaced.)</li>
 *   <li>{@link #DIRECT}: a platform thread: the call is simply made.</li>
 * </ul>
 */
enum Route {
    RING,
    POOL,
    DIRECT;

    /** The route for a call that would be io_uring opcode {@code opcode} on a ring. */
    static Route of(int opcode) {
        if (!Thread.currentThread().isVirtual()) {
            return DIRECT;
        }
        return RingOperation.supports(opcode) ? RING : POOL;
    }
}
