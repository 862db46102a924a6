package io.weft.pooler.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgbenchResultTest {

    private static PgbenchResult parse(int exit, String stdout) {
        return PgbenchResult.parse(new CommandResult(List.of("pgbench"), exit, stdout, "", Duration.ofSeconds(2), false));
    }

    @Test
    void parsesPostgres15Summary() {
        PgbenchResult r = parse(0, """
                pgbench (15.18 (Debian 15.18-0+deb12u1))
                starting vacuum...end.
                transaction type: <builtin: TPC-B (sort of)>
                scaling factor: 1
                query mode: simple
                number of clients: 4
                number of threads: 1
                maximum number of tries: 1
                duration: 2 s
                number of transactions actually processed: 4321
                number of failed transactions: 0 (0.000%)
                latency average = 1.851 ms
                initial connection time = 12.345 ms
                tps = 2160.912345 (without initial connection time)
                """);
        assertEquals(2160.912345, r.tps(), 1e-9);
        assertEquals(4321, r.transactionsProcessed());
        assertEquals(0, r.failedTransactions());
        assertEquals(1.851, r.latencyAverageMs(), 1e-9);
        assertEquals(12.345, r.initialConnectionTimeMs(), 1e-9);
        assertTrue(r.ok());
        assertEquals(r, r.requireOk());
    }

    @Test
    void prefersTpsExcludingConnectionsOnOldVersions() {
        PgbenchResult r = parse(0, """
                number of transactions actually processed: 1000/1000
                latency average = 4.000 ms
                tps = 900.000000 (including connections establishing)
                tps = 1000.500000 (excluding connections establishing)
                """);
        assertEquals(1000.5, r.tps(), 1e-9);
        assertEquals(1000, r.transactionsProcessed());
        assertEquals(-1, r.failedTransactions());
        assertTrue(Double.isNaN(r.initialConnectionTimeMs()));
        assertTrue(r.ok());
    }

    @Test
    void failuresAndMissingSummary() {
        PgbenchResult failed = parse(2, """
                number of transactions actually processed: 10
                number of failed transactions: 3 (23.077%)
                tps = 5.0 (without initial connection time)
                """);
        assertEquals(3, failed.failedTransactions());
        assertFalse(failed.ok());
        PgException e = assertThrows(PgException.class, failed::requireOk);
        assertTrue(e.getMessage().contains("3 failed transactions"), e.getMessage());
        assertTrue(e.getMessage().contains("exit code 2"), e.getMessage());

        PgbenchResult init = parse(0, "done in 0.31 s (drop tables 0.00 s, create tables 0.01 s).\n");
        assertTrue(Double.isNaN(init.tps()));
        assertEquals(-1, init.transactionsProcessed());
        assertTrue(init.ok());
    }

    @Test
    void suggestedTimeoutFollowsDuration() {
        assertEquals(Duration.ofSeconds(122), PgTools.suggestedPgbenchTimeout(List.of("-c", "4", "-T", "2")));
        assertEquals(Duration.ofSeconds(125), PgTools.suggestedPgbenchTimeout(List.of("-T5")));
        assertEquals(Duration.ofSeconds(130), PgTools.suggestedPgbenchTimeout(List.of("--time=10")));
        assertEquals(Duration.ofMinutes(10), PgTools.suggestedPgbenchTimeout(List.of("-i", "-s", "1")));
    }
}
