package io.weft.bench.files;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./weft bench files} end to end in a tiny configuration (50 threads, a 4 MiB file,
 * half-second rows): every reader in every mode reads, every read returns the block it asked
 * for, the report has a row per reader with a ratio to the JDK's virtual threads, the docs
 * section and chart are written, and the file is deleted. No assertion about speed: that is the
 * benchmark's report.
 */
class FilesBenchTinyTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyReaderReadsTheRightBlocks(@TempDir Path docs) throws Exception {
        // A disk directory, as the benchmark's default: the test's temporary directory may be a tmpfs.
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "weft-files-bench-test-");
        try {
            FilesBenchOptions opts = FilesBenchOptions.parse(new String[] {"--threads", "50", "--file-size", "4m",
                    "--seconds", "0.5", "--warmup", "0.2", "--dir", dir.toString(), "--docs", docs.toString()});
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            FilesReport report = new FilesBench(opts, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
            report.writeDocs(docs, new PrintStream(printed, true, StandardCharsets.UTF_8));
            String text = printed.toString(StandardCharsets.UTF_8);
            System.out.print(text);

            List<CacheMode> modes = report.modes();
            assertTrue(modes.contains(CacheMode.CACHED), "the page-cached rows always run");
            if (!modes.contains(CacheMode.DIRECT)) {
                assertTrue(report.notes().stream().anyMatch(n -> n.contains("O_DIRECT")), "a skipped cold mode says why");
            }
            assertEquals(modes.size() * FilesTarget.values().length, report.runs().size(), "one row per mode and reader");
            List<Executable> checks = new ArrayList<>();
            for (FilesRun r : report.runs()) {
                String row = r.mode().key + ", " + r.target().key;
                checks.add(() -> {
                    assertTrue(r.ok(), row + ": " + r.note());
                    assertTrue(r.measured().reads() > 0, row + ": no reads");
                    assertEquals(0, r.measured().wrong(), row + ": wrong blocks");
                    assertTrue(r.micros(50) <= r.micros(99), row + ": p50 above p99");
                    double ratio = report.throughputRatio(r);
                    assertTrue(ratio > 0 && Double.isFinite(ratio), row + ": ratio to the JDK's virtual threads " + ratio);
                    assertTrue(text.contains(r.target().label), row + ": not in the printed report");
                });
            }
            assertAll(checks);

            String md = Files.readString(docs.resolve("benchmarks.md"));
            assertTrue(md.contains(FilesReport.SECTION.begin()) && md.contains(FilesReport.SECTION.end()), md);
            assertTrue(md.contains("](" + FilesReport.CHART_FILE + ")"), "the section shows the chart");
            assertTrue(Files.size(docs.resolve(FilesReport.CHART_FILE)) > 1000, "a chart was drawn");
            try (Stream<Path> left = Files.list(dir)) {
                assertFalse(left.findAny().isPresent(), "the benchmark's file was deleted");
            }
            assertNotNull(report.run(CacheMode.CACHED, FilesTarget.BASELINE));
        } finally {
            try (Stream<Path> left = Files.list(dir)) {
                for (Path p : left.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }
}
