package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.pooler.config.ServerAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.pooler.pool.ServerSelectorMarkDownTest}'s
 * body on {@link BrokenServerSelector} with flaw {@link BrokenServerSelector.Flaw#COPY_OUTSIDE_LOCK}:
 * {@code markDown} copies the {@code down} map before it takes the lock and publishes the copy
 * under it, so of two servers marked at once, the second copy drops the first mark. Expected:
 * LOST MARK {@code *, *, 1, *, 2}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): ServerSelector COPY_OUTSIDE_LOCK")
@Outcome(id = "1, 1, 1, 1, 1", expect = ACCEPTABLE, desc = "the primary, seen down twice: one failover")
@Outcome(id = "2, 2, 2, 2, 2", expect = ACCEPTABLE, desc = "primary and standby down: two failovers")
@Outcome(id = "2, 2, 1, 1, 1", expect = FORBIDDEN, desc = "DOUBLE FAILOVER: one server going down counted twice")
@Outcome(id = ".*, .*, 1, .*, 2", expect = FORBIDDEN, desc = "LOST MARK: one of two servers marked down is up again")
@Outcome(expect = FORBIDDEN, desc = "failovers, onDown calls, the down set or the target disagree")
public class ServerSelectorCopyOutsideLockTest {
    private static final ServerAddress PRIMARY = new ServerAddress("primary", "10.0.0.1", 5432);
    private static final ServerAddress STANDBY = new ServerAddress("standby", "10.0.0.2", 5432);
    private static final ServerAddress SPARE = new ServerAddress("spare", "10.0.0.3", 5432);
    private static final List<ServerAddress> ORDER = List.of(PRIMARY, STANDBY, SPARE);
    private static final AtomicInteger STATES = new AtomicInteger();

    private final AtomicInteger onDownCalls = new AtomicInteger();
    private final BrokenServerSelector selector = new BrokenServerSelector(BrokenServerSelector.Flaw.COPY_OUTSIDE_LOCK, ORDER,
            s -> onDownCalls.incrementAndGet());
    private final boolean twoServers = (STATES.getAndIncrement() & 1) == 1;

    @Actor
    public void first() {
        selector.markDown(PRIMARY, "db", "connection refused");
    }

    @Actor
    public void second() {
        selector.markDown(twoServers ? STANDBY : PRIMARY, "db", "connection refused");
    }

    @Arbiter
    public void check(IIIII_Result r) {
        r.r1 = (int) selector.failovers();
        r.r2 = onDownCalls.get();
        int down = 0;
        for (ServerAddress s : ORDER) {
            if (selector.isDown(s)) down++;
        }
        r.r3 = down;
        r.r4 = ORDER.indexOf(selector.target("db"));
        r.r5 = twoServers ? 2 : 1;
    }
}
