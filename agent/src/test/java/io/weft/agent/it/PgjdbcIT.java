package io.weft.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.apps.PgjdbcApp;
import io.weft.pooler.pg.EmbeddedPostgres;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * pgjdbc, a driver nobody here wrote, against a real PostgreSQL (the pooler demo's throwaway
 * server), from 50 virtual threads in a JVM with the agent: every result right, every thread on
 * Weft's carriers, and the driver's socket waits counted by the agent.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PgjdbcIT {
    private static final String USER = "agent";
    private static final String PASSWORD = "agent-secret";
    private static final String DATABASE = "agent";
    private static final int THREADS = 50;
    private static final int ROWS = 20;

    private static EmbeddedPostgres pg;

    @BeforeAll
    static void startPostgres() {
        pg = EmbeddedPostgres.start(EmbeddedPostgres.Options.defaults().withMaxConnections(THREADS + 20));
        pg.createUser(USER, PASSWORD, "scram-sha-256");
        pg.createDatabase(DATABASE, USER);
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void fiftyVirtualThreadsQueryPostgresThroughWeft() throws Exception {
        String url = "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + DATABASE;
        ChildJvm.Output out;
        try (ChildJvm child = ChildJvm.start(List.of(AgentJar.option("carriers=2")), PgjdbcApp.class.getName(),
                url, USER, PASSWORD, Integer.toString(THREADS), Integer.toString(ROWS))) {
            out = child.finish(Duration.ofSeconds(180));
        }
        assertEquals(0, out.exitCode(), out::describe);
        assertEquals(List.of(THREADS + "/" + THREADS), out.linesAfter("done "), out::describe);
        List<String> ok = out.linesAfter("ok ");
        assertEquals(THREADS, ok.size(), out::describe);
        assertTrue(ok.stream().allMatch(l -> l.endsWith(" on weft")), () -> "threads off Weft's carriers: " + out.describe());
        Counters c = Counters.of(out);
        System.out.println("counters after the run: " + c.values()); // in target/failsafe-reports
        // Each thread makes ROWS + 6 round trips (SCRAM login, DDL, inserts, select): most wait for the reply.
        assertTrue(c.get("WeftWaits") > 300, () -> "too few waits through Weft: " + c);
        assertEquals(0, c.get("JdkFallbacks"), () -> "waits left to the JDK's poller: " + c);
        assertTrue(c.get("ThreadsRouted") >= THREADS, () -> c.toString());
    }
}
