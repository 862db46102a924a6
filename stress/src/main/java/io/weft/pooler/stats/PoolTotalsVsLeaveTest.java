package io.weft.pooler.stats;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link PoolCounters} and {@link ClientStats}: a client's thread counts its last query (a
 * single-writer opaque store in its {@code ClientStats}) and leaves ({@code unregister}: its
 * counts are folded into the pool's and it is no longer a live client, in one hold of the
 * pool's lock), while SHOW STATS or the metrics endpoint take {@code totals()} twice (folded
 * counts plus every live client's, under the same lock). The client has sent one query before.
 *
 * <p>Result: r1, r2 = the two readings of {@code totals().queries()}; r3 = the arbiter's. Each
 * reading is 1 or 2 (the last query may not be seen yet, then it is), never less than the one
 * before, and afterwards 2.
 *
 * <p>Bugs it catches: folding the counts in and removing the client in two steps: a reading
 * between them counts the client twice, live and folded, DOUBLE COUNT 3 or 4 (caught by
 * {@code io.weft.stress.selfcheck.PoolTotalsFoldThenRemoveTest}); removing first and folding
 * after: a reading between them misses the client, TOTALS WENT DOWN (0 after 1 or 2); a fold
 * that reads the counters before the client's last write (on another thread, without the
 * lock): the final total is short.
 */
@JCStressTest
@State
@Description("PoolCounters: totals() vs a client leaving")
@Outcome(id = {"1, 1, 2", "1, 2, 2", "2, 2, 2"}, expect = ACCEPTABLE, desc = "each reading counts the client once, never going down")
@Outcome(id = {".*, [34], .*", "[34], .*, .*"}, expect = FORBIDDEN, desc = "DOUBLE COUNT: a reading counted the client live and folded")
@Outcome(id = {"2, 1, .*", ".*, 0, .*", "0, .*, .*"}, expect = FORBIDDEN, desc = "TOTALS WENT DOWN: a reading missed the client, or went back")
@Outcome(expect = FORBIDDEN, desc = "the final total is not the client's 2 queries")
public class PoolTotalsVsLeaveTest {
    private final PoolCounters pool = new PoolCounters("db", "alice");
    private final ClientStats client = new ClientStats(1, pool, "alice", "db", null, null, null);

    public PoolTotalsVsLeaveTest() {
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
        r.r1 = (int) pool.totals().queries();
        r.r2 = (int) pool.totals().queries();
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = (int) pool.totals().queries();
    }
}
