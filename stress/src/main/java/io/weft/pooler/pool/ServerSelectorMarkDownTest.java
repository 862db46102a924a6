package io.weft.pooler.pool;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.pooler.config.PoolerConfig;
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
 * {@link ServerSelector}: two threads see servers fail at once and call {@code markDown} (two
 * clients' connection attempts, a client and the health check). Three servers for every
 * database, primary, standby, spare, in this failover order. States alternate: both threads
 * mark the primary down (the same failure seen twice), or one marks the primary and the other
 * the standby. {@code markDown} checks and replaces the copy-on-write {@code down} map under its
 * lock, counts a failover when another server takes over, and calls {@code onDown} (which closes
 * the pools' idle connections to the server) once per server.
 *
 * <p>Result: r1 = failovers counted; r2 = {@code onDown} calls; r3 = servers
 * {@code isDown}; r4 = {@code target("db")}: 0 primary, 1 standby, 2 spare, -1 none; r5 = the
 * states' pair: 1 the same server twice, 2 two servers. Same server: {@code 1, 1, 1, 1, 1};
 * two servers: {@code 2, 2, 2, 2, 2}.
 *
 * <p>Bugs it catches: the "already down?" check made outside the lock (before it, or on the map
 * read before it): both threads mark the primary down, DOUBLE FAILOVER {@code 2, 2, 1, 1, 1}
 * (the failover metric and log count one server twice, and its connections are closed twice;
 * caught by {@code io.weft.stress.selfcheck.ServerSelectorCheckOutsideLockTest}); the map
 * copied outside the lock (or not under the same lock): one thread's copy replaces the other's,
 * LOST MARK {@code *, *, 1, *, 2} (a dead server gets new connections again; caught by
 * {@code io.weft.stress.selfcheck.ServerSelectorCopyOutsideLockTest}).
 */
@JCStressTest
@State
@Description("ServerSelector: markDown vs markDown")
@Outcome(id = "1, 1, 1, 1, 1", expect = ACCEPTABLE, desc = "the primary, seen down twice: one failover, to the standby")
@Outcome(id = "2, 2, 2, 2, 2", expect = ACCEPTABLE, desc = "primary and standby down: two failovers, the spare takes over")
@Outcome(id = "2, 2, 1, 1, 1", expect = FORBIDDEN, desc = "DOUBLE FAILOVER: one server going down counted (and closed) twice")
@Outcome(id = ".*, .*, 1, .*, 2", expect = FORBIDDEN, desc = "LOST MARK: one of two servers marked down is up again")
@Outcome(expect = FORBIDDEN, desc = "failovers, onDown calls, the down set or the target disagree")
public class ServerSelectorMarkDownTest {
    static {
        PoolStressSupport.quiet();
    }

    static final ServerAddress PRIMARY = new ServerAddress("primary", "10.0.0.1", 5432);
    static final ServerAddress STANDBY = new ServerAddress("standby", "10.0.0.2", 5432);
    static final ServerAddress SPARE = new ServerAddress("spare", "10.0.0.3", 5432);
    static final List<ServerAddress> ORDER = List.of(PRIMARY, STANDBY, SPARE);
    private static final PoolerConfig CONFIG = PoolStressSupport.configWith(ORDER);
    private static final AtomicInteger STATES = new AtomicInteger();

    private final AtomicInteger onDownCalls = new AtomicInteger();
    private final ServerSelector selector = new ServerSelector(() -> CONFIG, null, s -> onDownCalls.incrementAndGet());
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
