package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.pooler.stats.ClientStats;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.pooler.stats.PoolTotalsVsLeaveTest}'s body
 * on {@link BrokenPoolCounters} with flaw {@link BrokenPoolCounters.Flaw#FOLD_THEN_REMOVE}:
 * {@code unregister} folds the client's counts in, then removes it from the live clients in a
 * second hold of the lock. Expected: DOUBLE COUNT, a reading of 4.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): PoolCounters FOLD_THEN_REMOVE")
@Outcome(id = {"1, 1, 2", "1, 2, 2", "2, 2, 2"}, expect = ACCEPTABLE, desc = "each reading counts the client once")
@Outcome(id = {".*, [34], .*", "[34], .*, .*"}, expect = FORBIDDEN, desc = "DOUBLE COUNT: a reading counted the client live and folded")
@Outcome(id = {"2, 1, .*", ".*, 0, .*", "0, .*, .*"}, expect = FORBIDDEN, desc = "TOTALS WENT DOWN")
@Outcome(expect = FORBIDDEN, desc = "the final total is not the client's 2 queries")
public class PoolTotalsFoldThenRemoveTest {
    private final BrokenPoolCounters pool = new BrokenPoolCounters(BrokenPoolCounters.Flaw.FOLD_THEN_REMOVE);
    private final ClientStats client = BrokenPoolCounters.newClient();

    public PoolTotalsFoldThenRemoveTest() {
        pool.register(client);
        client.fromClient((byte) 'Q', 20);
    }

    @Actor
    public void clientThread() {
        client.fromClient((byte) 'Q', 20);
        pool.unregister(client);
    }

    @Actor
    public void reader(III_Result r) {
        r.r1 = (int) pool.totalQueries();
        r.r2 = (int) pool.totalQueries();
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = (int) pool.totalQueries();
    }
}
