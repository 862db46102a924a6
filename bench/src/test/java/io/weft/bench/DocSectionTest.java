package io.weft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DocSectionTest {
    private static final DocSection AGENT = new DocSection("agent-bench", "./weft bench agent", "## Agent");

    @Test
    void replacesOnlyTheTextBetweenItsOwnMarkers() {
        String doc = """
                # Benchmarks

                ## Pooler
                <!-- pooler-bench:begin (old wording) -->
                pooler figures
                <!-- pooler-bench:end -->

                ## Agent
                hand-written
                <!-- agent-bench:begin (an older wording of the marker) -->
                old figures
                <!-- agent-bench:end -->
                after
                """;
        String generated = AGENT.begin() + "\nnew figures\n" + AGENT.end() + "\n";
        assertEquals(doc.replace("<!-- agent-bench:begin (an older wording of the marker) -->\nold figures\n",
                AGENT.begin() + "\nnew figures\n"), AGENT.replaceIn(doc, generated));
    }

    @Test
    void withoutMarkersAppendsAHeadedSection() {
        String generated = AGENT.begin() + "\nfigures\n" + AGENT.end() + "\n";
        assertEquals("# Benchmarks\n\n## Agent\n\n" + generated, AGENT.replaceIn("# Benchmarks\n", generated));
    }
}
