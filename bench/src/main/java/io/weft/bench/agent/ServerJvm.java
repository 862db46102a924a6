package io.weft.bench.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link HelloServer} in a JVM of its own (this JDK's {@code java}), with or without the agent.
 * {@link #close()} ends it: end of its standard input, then SIGTERM, then SIGKILL; a shutdown
 * hook does the same if the harness is stopped first, and the server also stops by itself when
 * the harness dies (its standard input ends).
 */
final class ServerJvm implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final Thread hook;
    private final int port;

    private ServerJvm(Process process) throws IOException, InterruptedException {
        this.process = process;
        this.hook = new Thread(process::destroyForcibly, "weft-bench-server-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        collect(process.getInputStream(), stdout);
        collect(process.getErrorStream(), stderr);
        this.port = awaitPort();
    }

    /**
     * Starts the server.
     *
     * @param classpath  where HelloServer and Jetty are (the benchmark's own jar)
     * @param jvmOptions the same for both runs; the agent's {@code -javaagent:...} is added by the caller
     */
    static ServerJvm start(String classpath, List<String> jvmOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(HelloServer.class.getName());
        Process p = new ProcessBuilder(cmd).start();
        try {
            return new ServerJvm(p);
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private void collect(java.io.InputStream in, List<String> into) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (into) {
                        into.add(l);
                        into.notifyAll();
                    }
                }
            } catch (IOException gone) {
                // the server exited
            }
        }, "weft-bench-server-output");
        t.setDaemon(true);
        t.start();
    }

    private int awaitPort() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        synchronized (stdout) {
            while (true) {
                for (String l : stdout) {
                    if (l.startsWith("port ")) {
                        return Integer.parseInt(l.substring(5).trim());
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    throw new IllegalStateException("the server did not start within " + START_TIMEOUT + ": " + output());
                }
                TimeUnit.NANOSECONDS.timedWait(stdout, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** The agent's lines on the server's stderr ({@code weft-agent: on: ...}). */
    List<String> agentLines() {
        synchronized (stderr) {
            return stderr.stream().filter(l -> l.startsWith("weft-agent: ")).toList();
        }
    }

    /**
     * Stops the server and returns the agent counters it printed on the way out (empty without the agent).
     */
    Map<String, Long> stop() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new IllegalStateException("the server did not stop within " + STOP_TIMEOUT + ": " + output());
        }
        Thread.sleep(50); // the output readers finish at end of stream
        Map<String, Long> counters = new LinkedHashMap<>();
        synchronized (stdout) {
            for (String l : stdout) {
                if (l.startsWith("counter ")) {
                    int eq = l.indexOf('=');
                    counters.put(l.substring(8, eq), Long.parseLong(l.substring(eq + 1)));
                }
            }
        }
        return counters;
    }

    String output() {
        synchronized (stdout) {
            synchronized (stderr) {
                return "stdout " + stdout + ", stderr " + stderr;
            }
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
