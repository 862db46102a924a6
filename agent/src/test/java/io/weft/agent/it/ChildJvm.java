package io.weft.agent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An application in a child JVM (the JDK running this test, {@code java.home}), with or without
 * {@code -javaagent}: its standard output and error are collected line by line, its standard
 * input stays open for commands. {@link #close()} kills it if it is still running, so a
 * try-with-resources never leaks a process.
 */
final class ChildJvm implements AutoCloseable {
    /** Small, short-lived JVMs: two cores are shared with the build and other work. */
    private static final List<String> QUIET_JVM = List.of("-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1");

    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final Writer stdin;
    private final String command;

    private ChildJvm(Process process, String command) {
        this.process = process;
        this.command = command;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        collect(process.getInputStream(), stdout, "stdout");
        collect(process.getErrorStream(), stderr, "stderr");
    }

    /**
     * Starts {@code mainClass} with the application class path ({@link AppClasspath}) and the
     * given JVM options (for instance {@code -javaagent:...} and {@code -D...}).
     */
    static ChildJvm start(List<String> jvmOptions, String mainClass, String... args) throws IOException {
        return start(Path.of(System.getProperty("java.home"), "bin", "java"), jvmOptions, mainClass, args);
    }

    /** As {@link #start(List, String, String...)} with another JDK's {@code java}. */
    static ChildJvm start(Path java, List<String> jvmOptions, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(jvmOptions);
        cmd.add("-cp");
        cmd.add(AppClasspath.get());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return startJava(java, cmd);
    }

    /** {@code java} with these arguments as they are (after the small-JVM options). */
    static ChildJvm startJava(Path java, List<String> arguments) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(QUIET_JVM);
        cmd.addAll(arguments);
        Process p = new ProcessBuilder(cmd).start();
        return new ChildJvm(p, String.join(" ", cmd));
    }

    private void collect(InputStream in, List<String> into, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (into) {
                        into.add(line);
                        into.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        }, "child-" + name + "-" + process.pid());
        t.setDaemon(true);
        t.start();
    }

    /** The first stdout line that matches, waiting up to {@code timeout}. */
    String awaitLine(Predicate<String> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stdout) {
            for (int seen = 0; ; ) {
                for (; seen < stdout.size(); seen++) {
                    if (matching.test(stdout.get(seen))) {
                        return stdout.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && seen == stdout.size()) {
                    throw new AssertionError("no such line from the child within " + timeout + "\n" + describe());
                }
                TimeUnit.NANOSECONDS.timedWait(stdout, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
    }

    /** Writes one line to the child's standard input. */
    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /**
     * Closes the child's standard input and waits for it to exit (it is killed if it does not
     * in time, and the test fails): its exit code and every line it printed.
     */
    Output finish(Duration timeout) throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // it may have exited already
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child did not exit within " + timeout + "\n" + describe());
        }
        // The readers finish at end of stream, just after the exit.
        process.waitFor();
        Thread.sleep(50);
        return new Output(process.exitValue(), lines(stdout), lines(stderr), command);
    }

    private static List<String> lines(List<String> l) {
        synchronized (l) {
            return List.copyOf(l);
        }
    }

    String describe() {
        return "command: " + command + "\nstdout:\n  " + String.join("\n  ", lines(stdout))
                + "\nstderr:\n  " + String.join("\n  ", lines(stderr));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What a finished child did. */
    record Output(int exitCode, List<String> stdout, List<String> stderr, String command) {
        /** stdout lines that start with {@code prefix}, without it. */
        List<String> linesAfter(String prefix) {
            return stdout.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
        }

        /** The stderr lines of the agent ({@code weft-agent: ...}). */
        List<String> agentLines() {
            return stderr.stream().filter(l -> l.startsWith("weft-agent: ")).toList();
        }

        String describe() {
            return "exit " + exitCode + ", command: " + command + "\nstdout:\n  " + String.join("\n  ", stdout)
                    + "\nstderr:\n  " + String.join("\n  ", stderr);
        }
    }
}
