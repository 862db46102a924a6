package io.weft.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.apps.net.NetScenariosApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's JFR events, recorded the usual way ({@code -XX:StartFlightRecording}): a timed-out
 * read is an {@code io.weft.Wait} with result TIMED_OUT and its duration, a close that woke a
 * waiting reader an {@code io.weft.Wakeup}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class JfrEventsIT {

    @Test
    void waitsAndWakeupsAreRecorded(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("weft.jfr");
        ChildJvm.Output out;
        try (ChildJvm child = ChildJvm.start(List.of("-XX:StartFlightRecording:filename=" + jfr + ",settings=default",
                AgentJar.option("carriers=1,log=quiet")), NetScenariosApp.class.getName(),
                "datagram-socket-timeout", "channel-close-wakes-reader")) {
            out = child.finish(Duration.ofSeconds(60));
        }
        assertEquals(0, out.exitCode(), out::describe);
        assertTrue(Files.size(jfr) > 0, out::describe);
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
        List<RecordedEvent> waits = events.stream().filter(e -> e.getEventType().getName().equals("io.weft.Wait")).toList();
        List<RecordedEvent> wakeups = events.stream().filter(e -> e.getEventType().getName().equals("io.weft.Wakeup")).toList();
        // The JDK starts the read's 150 ms clock before it tries the read and calls the hook, so the
        // recorded wait is the timeout less that start (2 ms once on a loaded machine): allow 10%.
        assertTrue(waits.stream().anyMatch(e -> e.getString("result").equals("TIMED_OUT")
                        && e.getString("event").equals("read") && e.getDuration().toMillis() >= 135),
                () -> "no 150 ms read wait that timed out among " + waits);
        assertTrue(waits.stream().anyMatch(e -> e.getString("result").equals("CANCELLED")),
                () -> "no wait ended by the close among " + waits);
        assertEquals(1, wakeups.size(), () -> "one close woke one reader: " + wakeups);
        assertEquals("read", wakeups.get(0).getString("event"));
    }
}
