package io.weft.pooler.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code weft pooler --config FILE} in a child JVM (this JVM's java and class path), for
 * tests that send it real signals.
 */
final class PoolerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Weft pooler listening on [^:]+:(\\d+)");

    final Process process;
    final Path output;
    final int port;

    private PoolerProcess(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    static PoolerProcess start(Path config) throws Exception {
        return start("--config", config.toString());
    }

    /** Starts {@code weft pooler ARGS}; returns once it listens. */
    static PoolerProcess start(String... args) throws Exception {
        Path output = Files.createTempFile("weft-pooler-child-", ".log");
        Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(output));
            if (m.find()) return new PoolerProcess(p, output, Integer.parseInt(m.group(1)));
            if (!p.isAlive()) break;
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("the child pooler did not start:\n" + Files.readString(output));
    }

    /** {@code weft pooler ARGS} run to its end: the exit code and everything it printed. */
    record Finished(int exitCode, String output) {}

    /** Runs {@code weft pooler ARGS} for a pooler expected to stop by itself within {@code timeout}. */
    static Finished runToExit(Duration timeout, String... args) throws Exception {
        Path output = Files.createTempFile("weft-pooler-child-", ".log");
        try {
            Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the child pooler was still running after " + timeout + ":\n" + Files.readString(output));
            }
            return new Finished(p.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.weft.pooler.PoolerMain"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** kill -NAME pid. */
    void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) throw new AssertionError("kill -" + name + " failed");
    }

    /** Whether the child ignores {@code signal} (inherited SIG_IGN, e.g. SIGINT in a background job). */
    boolean ignores(int signal) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << (signal - 1))) != 0;
            }
        }
        return false;
    }

    String log() throws IOException {
        return Files.readString(output);
    }

    /** Waits for the child to exit; its exit code, or -1 if it did not within {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(output);
    }
}
