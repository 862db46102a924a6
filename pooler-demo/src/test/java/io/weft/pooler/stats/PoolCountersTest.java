package io.weft.pooler.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * Counting without a network: a client's counts show in its pool's totals while it is connected
 * and stay there, exactly once, after it leaves; rates are the averages of the last period.
 */
class PoolCountersTest {
    private final PoolerStats stats = new PoolerStats();
    private final PoolCounters pool = new PoolCounters("db", "alice");

    private ClientStats client() {
        return stats.register(pool, "alice", "db", "app", new InetSocketAddress("127.0.0.1", 5000),
                new InetSocketAddress("127.0.0.1", 6432));
    }

    /** One simple-protocol autocommit statement: Query in, RowDescription, DataRow, CommandComplete, ReadyForQuery out. */
    private static void statement(ClientStats c) {
        c.fromClient((byte) 'Q', 20);
        c.toClient((byte) 'T', 30, (byte) 0);
        c.toClient((byte) 'D', 10, (byte) 0);
        c.toClient((byte) 'C', 9, (byte) 0);
        c.toClient((byte) 'Z', 1, (byte) 'I');
    }

    @Test
    void aClientsCountsAreInThePoolWhileItIsConnectedAndExactlyOnceAfter() {
        ClientStats a = client();
        statement(a);
        statement(a);
        // a transaction block: BEGIN, an error inside, ROLLBACK: one transaction, one error
        a.fromClient((byte) 'Q', 6);
        a.toClient((byte) 'Z', 1, (byte) 'T');
        a.fromClient((byte) 'Q', 20);
        a.toClient((byte) 'E', 50, (byte) 0);
        a.toClient((byte) 'Z', 1, (byte) 'E');
        a.fromClient((byte) 'Q', 9);
        a.toClient((byte) 'Z', 1, (byte) 'I');
        a.fromClient((byte) 'X', 0);
        PoolTotals live = pool.totals();
        assertEquals(3, live.transactions());
        assertEquals(5, live.queries());
        assertEquals(2 * 25 + 11 + 25 + 14 + 5, live.received());
        assertEquals(2 * (35 + 15 + 14 + 6) + 6 + 55 + 6 + 6, live.sent());
        assertEquals(1, live.serverErrors());
        assertEquals(1, pool.clients().size());

        stats.remove(a);
        stats.remove(a); // a second removal must not count twice
        assertEquals(live, pool.totals(), "folded in once, nothing lost");
        assertTrue(pool.clients().isEmpty());

        ClientStats b = client();
        statement(b);
        assertEquals(4, pool.totals().transactions());
        stats.remove(b);
        assertEquals(4, pool.totals().transactions());
    }

    @Test
    void stateFollowsWaitingAndTheServerConnection() throws Exception {
        ClientStats c = client();
        assertEquals("idle", c.state());
        long start = c.startWaiting();
        Thread.sleep(5);
        assertEquals("waiting", c.state());
        assertTrue(c.waitingNanos() > 0);
        c.stopWaiting(start);
        c.serverPid(4242);
        assertEquals("active", c.state());
        c.serverGone(999); // another connection's release does not unlink this one
        assertEquals(4242, c.serverPid());
        c.serverGone(4242);
        assertEquals("idle", c.state());
        PoolTotals t = pool.totals();
        assertEquals(1, t.waits());
        assertTrue(t.waitNanos() >= 5_000_000 && t.maxWaitNanos() == t.waitNanos(), t.toString());
    }

    @Test
    void ratesAreTheAveragesOfTheLastPeriod() {
        ClientStats c = client();
        long t0 = System.nanoTime();
        pool.endPeriod(t0); // the period before: whatever, from the pool's creation
        for (int i = 0; i < 10; i++) statement(c);
        pool.endPeriod(t0 + 2_000_000_000L);
        Rates r = pool.rates();
        assertEquals(2000, r.periodMillis());
        assertEquals(5.0, r.transactions(), 1e-9);
        assertEquals(5.0, r.queries(), 1e-9);
        assertEquals(125.0, r.received(), 1e-9);
        pool.endPeriod(t0 + 3_000_000_000L);
        assertEquals(0.0, pool.rates().transactions(), "nothing happened in the last period");
    }

    @Test
    void failuresAreCountedByKindAndInThePoolWhenTheClientHasOne() {
        ClientStats c = client();
        stats.failure("28P01", null);
        stats.failure("42501", null);
        stats.failure("08P01", c);
        stats.failure("08P01", null);
        stats.failure("3D000", null);
        pool.connectFailed();
        assertEquals(2, stats.unpooled(PoolerStats.Failure.AUTH));
        assertEquals(1, stats.unpooled(PoolerStats.Failure.PROTOCOL));
        assertEquals(1, stats.unpooled(PoolerStats.Failure.REJECTED));
        PoolTotals t = pool.totals();
        assertEquals(1, t.protocolViolations());
        assertEquals(1, t.connectFailures());
        assertEquals(2, t.errors());
    }
}
