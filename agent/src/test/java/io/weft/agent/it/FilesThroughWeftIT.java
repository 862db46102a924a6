package io.weft.agent.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.apps.files.FileChannelApp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code files=weft}: an unmodified application's FileChannel reads and writes on virtual
 * threads (FileChannelApp) give the same bytes, positions, end of file and close/interrupt
 * outcomes as without the agent, go through the carrier's ring (the MBean's counters), and a
 * read of a FIFO nobody writes yet does not hold the only carrier; with {@code files=jdk} (the
 * default) the same read does hold it: the control that shows the check can fail.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FilesThroughWeftIT {
    private static final Duration CHILD_TIME = Duration.ofSeconds(120);

    private static ChildJvm.Output withoutAgent;

    @BeforeAll
    static void runWithoutTheAgent() throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of(), FileChannelApp.class.getName())) {
            withoutAgent = child.finish(CHILD_TIME);
        }
        assertEquals(0, withoutAgent.exitCode(), withoutAgent::describe);
        assertTrue(withoutAgent.stdout().contains("agent absent"), withoutAgent::describe);
        assertTrue(withoutAgent.linesAfter("outcome ").stream().noneMatch(l -> l.contains("FAILED")), withoutAgent::describe);
    }

    private static ChildJvm.Output withAgent(String options) throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of(AgentJar.option(options)), FileChannelApp.class.getName())) {
            ChildJvm.Output out = child.finish(CHILD_TIME);
            assertEquals(0, out.exitCode(), out::describe);
            assertEquals(1, out.agentLines().size(), out::describe);
            assertTrue(out.agentLines().get(0).startsWith("weft-agent: on: io_uring"),
                    () -> "these checks need io_uring\n" + out.describe());
            return out;
        }
    }

    @Test
    void filesThroughTheRingGiveTheJdksOutcomesAndDoNotPinTheCarrier() throws Exception {
        ChildJvm.Output out = withAgent("backend=io_uring,carriers=1,files=weft");
        Counters c = Counters.of(out);
        assertAll(
                () -> assertEquals(withoutAgent.linesAfter("outcome "), out.linesAfter("outcome "),
                        () -> "outcomes differ from the JDK's alone\n" + out.describe()),
                () -> assertTrue(out.agentLines().get(0).contains("files=weft"), out::describe),
                () -> assertTrue(c.get("FileRingReads") + c.get("FileCachedReads") > 3 * 1024 * 1024 / 65536,
                        () -> "reads through the ring or from the page cache: " + c),
                () -> assertTrue(c.get("FileRingReads") > 0, () -> "the FIFO's read waits on the ring: " + c),
                () -> assertTrue(c.get("FileCachedReads") > 0, () -> "the data just written comes from the page cache: " + c),
                () -> assertTrue(c.get("FileRingWrites") > 0, () -> "writes through the ring: " + c),
                () -> assertEquals(List.of("true"), out.linesAfter("ticked-while-blocked "),
                        () -> "the FIFO read held the only carrier\n" + out.describe()));
    }

    @Test
    void withoutFilesWeftTheSameReadPinsTheOnlyCarrier() throws Exception {
        ChildJvm.Output out = withAgent("backend=io_uring,carriers=1");
        Counters c = Counters.of(out);
        assertAll(
                () -> assertEquals(withoutAgent.linesAfter("outcome "), out.linesAfter("outcome "), out::describe),
                () -> assertEquals(0, c.get("FileRingReads"), () -> "files=jdk is the default: " + c),
                () -> assertEquals(0, c.get("FileCachedReads"), () -> "files=jdk is the default: " + c),
                () -> assertEquals(List.of("false"), out.linesAfter("ticked-while-blocked "),
                        () -> "the control: the JDK's read(2) holds the carrier\n" + out.describe()));
    }
}
