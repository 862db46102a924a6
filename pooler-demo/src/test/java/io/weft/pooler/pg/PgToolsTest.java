package io.weft.pooler.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgToolsTest {

    @Test
    void parsesPsqlCsv() {
        assertEquals(List.of(), PgTools.parseCsv(""));
        assertEquals(List.of(List.of("")), PgTools.parseCsv("\n"));
        assertEquals(List.of(List.of("1", "a|b,\"q\"", ""), List.of("2", "x\ny", ""), List.of("3")),
                PgTools.parseCsv("1,\"a|b,\"\"q\"\"\",\n2,\"x\ny\",\n3\n"));
        assertEquals(List.of(List.of("a", "b")), PgTools.parseCsv("a,b"));
    }

    @Test
    void capturesOutputExitCodeAndEnvironment() {
        CommandResult r = PgTools.run(List.of("sh", "-c", "echo out; echo err >&2; cat; echo \"pw=$PGPASSWORD host=${PGHOST-unset}\"; exit 3"),
                Map.of("PGPASSWORD", "s3cret"), null, "from stdin\n", Duration.ofSeconds(10));
        assertEquals(3, r.exitCode());
        assertFalse(r.ok());
        assertFalse(r.timedOut());
        assertEquals("out\nfrom stdin\npw=s3cret host=unset\n", r.stdout());
        assertEquals("err\n", r.stderr());
        PgException e = assertThrows(PgException.class, () -> r.requireOk("the shell"));
        assertTrue(e.getMessage().contains("exit code 3"), e.getMessage());
        assertTrue(e.getMessage().contains("sh -c"), e.getMessage());
        assertTrue(e.getMessage().contains("err"), e.getMessage());
    }

    @Test
    void killsARunAndItsChildrenOnTimeout() throws Exception {
        String marker = "sleep 31.4159";
        CommandResult r = PgTools.run(List.of("sh", "-c", marker + " & " + marker + "; wait"), Map.of(), null, null,
                Duration.ofMillis(300));
        assertTrue(r.timedOut());
        assertFalse(r.ok());
        assertTrue(r.elapsed().compareTo(Duration.ofSeconds(5)) < 0, r.elapsed().toString());
        assertTrue(r.outcome().contains("killed"), r.outcome());
        assertTrue(ProcessHandle.allProcesses().noneMatch(
                h -> h.info().commandLine().map(c -> c.contains("31.4159")).orElse(false)),
                "a child of the killed run survived");
    }

    @Test
    void refusesRunsWithoutTimeout() {
        assertThrows(IllegalArgumentException.class, () -> PgTools.run(List.of("true"), Map.of(), null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> PgTools.run(List.of("true"), Map.of(), null, null, Duration.ZERO));
    }

    @Test
    void tailKeepsTheLastLines() {
        assertEquals("", CommandResult.tail("", 3));
        assertEquals("a\nb\n", CommandResult.tail("a\nb\n", 3));
        assertEquals("  ...\nc\nd\ne\n", CommandResult.tail("a\nb\nc\nd\ne\n", 3));
    }
}
