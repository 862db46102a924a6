package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pg.PgbenchResult;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * pgbench through the pooler against a real PostgreSQL: {@code -i} (COPY), then each query
 * mode and the select-only script, in both pipelines, 20 clients on a pool of 5 (so
 * transaction pooling really moves clients between server connections). No errors, and the
 * rows the TPC-B script committed equal what pgbench reports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgbenchThroughPoolerTest {
    private static final int CLIENTS = 20;
    private static final int PER_CLIENT = 25;

    private EmbeddedPostgres pg;

    @BeforeAll
    void startServer() {
        pg = PoolerFixture.startServer();
    }

    @AfterAll
    void stopServer() {
        if (pg != null) pg.close();
    }

    @ParameterizedTest(name = "{0} pipeline on {1}")
    @CsvSource({"session, auto", "transaction, auto", "session, epoll", "transaction, epoll", "session, jdk",
                "transaction, jdk"})
    void everyQueryModeRunsCleanAndCommitsWhatPgbenchReports(String pipeline, String backend) throws Exception {
        int pool = pipeline.equals("session") ? CLIENTS : 5;
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, pipeline, backend, "scram-sha-256", pool)) {
            PgbenchResult init = PoolerFixture.pgbench(pg, pooler, "-i", "-s", "1", "-q");
            assertEquals(0, init.exitCode(), () -> "pgbench -i through the pooler: " + init.stderr());
            List<String> modes = backend.equals("auto") ? List.of("simple", "extended", "prepared") : List.of("prepared");
            for (String mode : modes) {
                PgbenchResult r = PoolerFixture.pgbench(pg, pooler, "-c", Integer.toString(CLIENTS), "-j", "2",
                        "-t", Integer.toString(PER_CLIENT), "-M", mode);
                String what = pipeline + "/" + backend + " -M " + mode;
                assertEquals(0, r.exitCode(), () -> what + ": " + r.stderr());
                assertEquals(0, r.failedTransactions(), () -> what + ": " + r.stdout());
                assertEquals(CLIENTS * PER_CLIENT, r.transactionsProcessed(), () -> what + ": " + r.stdout());
                assertTrue(r.tps() > 0, () -> what + ": " + r.stdout());
                // pgbench empties pgbench_history before each run; every TPC-B transaction adds one row
                assertEquals(r.transactionsProcessed(), historyRows(),
                        () -> what + ": committed rows differ from what pgbench reports");
            }
            PgbenchResult selects = PoolerFixture.pgbench(pg, pooler, "-c", Integer.toString(CLIENTS), "-j", "2",
                    "-t", Integer.toString(PER_CLIENT * 4), "-S", "-M", "prepared");
            assertEquals(0, selects.exitCode(), selects::stderr);
            assertEquals(CLIENTS * PER_CLIENT * 4, selects.transactionsProcessed(), selects::stdout);
        }
    }

    private long historyRows() {
        return Long.parseLong(pg.query(PoolerFixture.DATABASE, "select count(*) from pgbench_history").get(0).get(0));
    }
}
