package io.weft.scheduler;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Helpers for the jcstress tests of the scheduler's protocols. They are in package
 * {@code io.weft.scheduler} (of the stress module, not of weft-scheduler) because the protocol
 * classes are package-private; weft has no {@code module-info}, so both jars' classes land in
 * one run-time package of the class path's loader and may use each other's package-private
 * members.
 */
final class StressSupport {
    private StressSupport() {}

    /**
     * The thread an {@link IoWait} of a test "parks": never started, so the winner's
     * {@code LockSupport.unpark} on it does nothing.
     */
    static final Thread PARKED = Thread.ofPlatform().name("weft-jcstress-parked").unstarted(() -> { });
    /** Another waiting thread, for a second waiter of the same descriptor. */
    static final Thread PARKED_TOO = Thread.ofPlatform().name("weft-jcstress-parked-too").unstarted(() -> { });

    /**
     * The first made-up descriptor number. {@link FdWaiters} is one process-wide table, so each
     * live state of a test needs a descriptor number of its own, and one that no real wait
     * uses: a jcstress fork opens a few dozen descriptors (the eventfd tests, which run in
     * forks of their own, up to ~10,000), far below these. The registry takes numbers below
     * 2^20 = 1,048,576; these stay below 1,000,000.
     */
    static final int FIRST_FD = 900_000;
    /**
     * How many numbers are handed out before they repeat: far more than the states a fork
     * keeps alive at once (strideSize x strideCount, at most 256 x 40 = 10240). Every state
     * clears its registrations in its arbiter, which jcstress runs exactly once per state
     * before it builds the next round's states, so a repeated number is free again.
     */
    static final int FD_RANGE = 100_000;

    private static final AtomicInteger NEXT_FD = new AtomicInteger();

    /** A descriptor number that no other live state of this fork uses. */
    static int fakeFd() {
        return FIRST_FD + Math.floorMod(NEXT_FD.getAndIncrement(), FD_RANGE);
    }

    /** 0 if nothing is registered for {@code w}'s descriptor and direction, 1 if {@code w}, 2 if another wait. */
    static int registered(IoWait w) {
        IoWait now = FdWaiters.get(w.fd, w.event);
        return now == null ? 0 : now == w ? 1 : 2;
    }

    /** A task that only carries a number, so that the queue tests can see which one came out. */
    record Task(int id) implements Runnable {
        @Override
        public void run() {}
    }

    /** The number of {@code t} ({@link Task#id}), 0 for null. */
    static int id(Runnable t) {
        return t == null ? 0 : ((Task) t).id();
    }

    /**
     * Polls {@code q} until it is empty and returns what came out as the digits of a decimal
     * number, oldest first ({@code 23} for tasks 2 then 3; 0 for none). Task ids must be 1..9
     * and at most 9 may come out, so a queue that returns garbage still yields a number.
     */
    static int drain(RunQueue q) {
        int digits = 0;
        Runnable t;
        for (int n = 0; n < 9 && (t = q.poll()) != null; n++) {
            digits = digits * 10 + id(t);
        }
        return digits;
    }
}
