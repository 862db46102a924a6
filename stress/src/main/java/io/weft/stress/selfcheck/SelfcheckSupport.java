package io.weft.stress.selfcheck;

import java.util.concurrent.atomic.AtomicInteger;

/** The helpers of {@code io.weft.scheduler.StressSupport}, for the self-checks' copies. */
final class SelfcheckSupport {
    private SelfcheckSupport() {}

    static final Thread PARKED = Thread.ofPlatform().name("weft-jcstress-parked").unstarted(() -> { });
    static final Thread PARKED_TOO = Thread.ofPlatform().name("weft-jcstress-parked-too").unstarted(() -> { });

    private static final AtomicInteger NEXT_FD = new AtomicInteger();

    /** A made-up descriptor number no other live state of this fork uses (900000..999999). */
    static int fakeFd() {
        return 900_000 + Math.floorMod(NEXT_FD.getAndIncrement(), 100_000);
    }

    record Task(int id) implements Runnable {
        @Override
        public void run() {}
    }

    static int id(Runnable t) {
        return t == null ? 0 : ((Task) t).id();
    }

    /** Polls {@code q} empty; what came out as decimal digits, oldest first (0 for none). */
    static int drain(BrokenRunQueue q) {
        int digits = 0;
        Runnable t;
        for (int n = 0; n < 9 && (t = q.poll()) != null; n++) {
            digits = digits * 10 + id(t);
        }
        return digits;
    }

    /** 0 if nothing is registered for {@code w}'s descriptor and direction, 1 if {@code w}, 2 if another wait. */
    static int registered(BrokenFdWaiters registry, BrokenIoWait w) {
        BrokenIoWait now = registry.get(w.fd, w.event);
        return now == null ? 0 : now == w ? 1 : 2;
    }
}
