package io.weft.pooler.session;

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
 * {@link ClientLimits}: two clients, alice and bob, connect at once for the last slot, as
 * {@code ClientSession} does: {@code admit(max_connections)}; then {@code enter(database, user,
 * max_db_connections, 0)}, and a client refused there {@code leave()}s the pooler. carol is in
 * already (admitted, in database "db"). States alternate the limit that has one slot left:
 * max_connections = 2 (and no database limit), or max_db_connections = 2 (and max_connections
 * 3). Exactly one of the two gets in, and afterwards every count says exactly who is in: the
 * check and the count of each call must be one step, and a refusal must leave no count raised.
 *
 * <p>Result: r1, r2 = alice, bob: 1 in, 0 refused by max_connections, 2 refused by
 * max_db_connections; then, by the arbiter, r3 = clients counted in "db", r4 = in user alice or
 * bob, r5 = in the pooler. With carol and one of them in: {@code 2, 1, 2}.
 *
 * <p>Bugs it catches: a check and a count in two steps (two holds of the lock, or none): both
 * see the last slot free, OVER THE LIMIT {@code 1, 1, 3, 2, 3} (caught by
 * {@code io.weft.stress.selfcheck.ClientLimitsCheckThenCountTest}); a refusal that leaves the
 * database or user counted, or a lost update of a count: the counts are wrong.
 */
@JCStressTest
@State
@Description("ClientLimits: two clients for the last slot")
@Outcome(id = {"1, 0, 2, 1, 2", "0, 1, 2, 1, 2"}, expect = ACCEPTABLE,
        desc = "max_connections: one got in, the other was refused; counts exact")
@Outcome(id = {"1, 2, 2, 1, 2", "2, 1, 2, 1, 2"}, expect = ACCEPTABLE,
        desc = "max_db_connections: one got in, the other was refused and left; counts exact")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "OVER THE LIMIT: both took the last slot")
@Outcome(expect = FORBIDDEN, desc = "both refused with a slot free, or a count left wrong (raised by a refusal, or lost)")
public class ClientLimitsLastSlotTest {
    private static final AtomicInteger STATES = new AtomicInteger();

    private final ClientLimits limits = new ClientLimits();
    private final boolean databaseLimit = (STATES.getAndIncrement() & 1) == 1;
    private final int maxConnections = databaseLimit ? 3 : 2;
    private final int maxDbConnections = databaseLimit ? 2 : 0;

    public ClientLimitsLastSlotTest() {
        limits.admit(maxConnections);
        limits.enter("db", "carol", maxDbConnections, 0);
    }

    /** ClientSession's steps; 1 in, 0 refused by max_connections, 2 by max_db_connections. */
    private int connect(String user) {
        if (!limits.admit(maxConnections)) return 0;
        if (limits.enter("db", user, maxDbConnections, 0) == ClientLimits.Verdict.ADMITTED) return 1;
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
