package io.weft.pooler.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.pooler.session.ClientLimits.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The counts behind the limits: exact under contention, all-or-nothing, back to zero after. */
class ClientLimitsTest {
    @Test
    void refusesAtTheLimitAndCountsNothingWhenItRefuses() {
        ClientLimits l = new ClientLimits();
        assertEquals(Verdict.ADMITTED, l.enter("d", "u", 2, 0));
        assertEquals(Verdict.ADMITTED, l.enter("d", "v", 2, 0));
        assertEquals(Verdict.TOO_MANY_FOR_DATABASE, l.enter("d", "w", 2, 0));
        assertEquals(0, l.user("w")); // the refusal counted nothing
        assertEquals(Verdict.ADMITTED, l.enter("e", "u", 2, 2));
        assertEquals(Verdict.TOO_MANY_FOR_USER, l.enter("f", "u", 2, 2));
        assertEquals(0, l.database("f"));
        l.exit("d", "u");
        assertEquals(Verdict.ADMITTED, l.enter("d", "w", 2, 0));
        assertThrows(IllegalStateException.class, () -> l.exit("nowhere", "u"));
        assertEquals(true, l.admit(1));
        assertEquals(false, l.admit(1));
        l.leave();
        assertThrows(IllegalStateException.class, l::leave);
    }

    /**
     * Many virtual threads race for 3 slots per database and 2 per user, many rounds: at no
     * time are more in than the limits allow, and when all have left every count is 0.
     */
    @Test
    void exactUnderContention() throws Exception {
        ClientLimits l = new ClientLimits();
        int threads = 32;
        int rounds = 300;
        AtomicInteger[] inDb = {new AtomicInteger(), new AtomicInteger()};
        AtomicInteger[] inUser = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int db = t % 2;
            int user = t % 3;
            all.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        if (!l.admit(20)) continue;
                        try {
                            if (l.enter("db" + db, "user" + user, 3, 2) == Verdict.ADMITTED) {
                                admitted.incrementAndGet();
                                if (inDb[db].incrementAndGet() > 3) violations.incrementAndGet();
                                if (inUser[user].incrementAndGet() > 2) violations.incrementAndGet();
                                Thread.yield();
                                inDb[db].decrementAndGet();
                                inUser[user].decrementAndGet();
                                l.exit("db" + db, "user" + user);
                            }
                        } finally {
                            l.leave();
                        }
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (Thread t : all) t.join();
        assertEquals(0, violations.get());
        assertEquals(0, l.total());
        for (int i = 0; i < 2; i++) assertEquals(0, l.database("db" + i));
        for (int i = 0; i < 3; i++) assertEquals(0, l.user("user" + i));
        assertEquals(true, admitted.get() > 0);
    }
}
