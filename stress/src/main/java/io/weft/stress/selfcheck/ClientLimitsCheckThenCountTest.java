package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.pooler.session.ClientLimitsLastSlotTest}'s
 * body on {@link BrokenClientLimits} with flaw {@link BrokenClientLimits.Flaw#CHECK_THEN_COUNT}:
 * {@code admit} and {@code enter} check the limit under the lock and count under a second hold
 * of it. Expected: OVER THE LIMIT {@code 1, 1, 3, 2, 3}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): ClientLimits CHECK_THEN_COUNT")
@Outcome(id = {"1, 0, 2, 1, 2", "0, 1, 2, 1, 2"}, expect = ACCEPTABLE, desc = "max_connections: one got in")
@Outcome(id = {"1, 2, 2, 1, 2", "2, 1, 2, 1, 2"}, expect = ACCEPTABLE, desc = "max_db_connections: one got in")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "OVER THE LIMIT: both took the last slot")
@Outcome(expect = FORBIDDEN, desc = "both refused with a slot free, or a count left wrong")
public class ClientLimitsCheckThenCountTest {
    private static final AtomicInteger STATES = new AtomicInteger();

    private final BrokenClientLimits limits = new BrokenClientLimits(BrokenClientLimits.Flaw.CHECK_THEN_COUNT);
    private final boolean databaseLimit = (STATES.getAndIncrement() & 1) == 1;
    private final int maxConnections = databaseLimit ? 3 : 2;
    private final int maxDbConnections = databaseLimit ? 2 : 0;

    public ClientLimitsCheckThenCountTest() {
        limits.admit(maxConnections);
        limits.enter("db", "carol", maxDbConnections);
    }

    private int connect(String user) {
        if (!limits.admit(maxConnections)) return 0;
        if (limits.enter("db", user, maxDbConnections)) return 1;
        limits.leave();
        return 2;
    }

    @Actor
    public void alice(IIIII_Result r) {
        r.r1 = connect("alice");
    }

    @Actor
    public void bob(IIIII_Result r) {
        r.r2 = connect("bob");
    }

    @Arbiter
    public void check(IIIII_Result r) {
        r.r3 = limits.database("db");
        r.r4 = limits.user("alice") + limits.user("bob");
        r.r5 = limits.total();
    }
}
