package io.weft.bench.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark process (an echo server or the load generator): a JVM on this JVM's java and
 * class path, whose standard output is read line by line and whose last lines of standard
 * error are kept for the report. Its standard input stays open until {@link #close()}: closing
 * it is how both mains are told to stop, and it closes by itself if this JVM dies, so no child
 * outlives the harness for long. {@link #killAll()} is for the shutdown hook.
 */
final class ChildJvm implements AutoCloseable {
    /** The flags every child gets, so that the servers differ only in what they are told to be. */
    static final List<String> COMMON_FLAGS = List.of(
            "--enable-native-access=ALL-UNNAMED", // Weft's FFM calls, Netty's JNI library
            "--add-opens", "java.base/java.lang=ALL-UNNAMED", // Weft's virtual-thread builder
            "--sun-misc-unsafe-memory-access=allow", // Netty's Unsafe, without JDK 25's warning
            "-XX:+UseG1GC", "-Xms256m", "-Xmx2g");

    private static final String EOF = new String("<eof>"); // a marker compared by identity
    private static final Set<ChildJvm> LIVE = ConcurrentHashMap.newKeySet();
    private static final int TAIL = 20;

    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ArrayDeque<String> stderr = new ArrayDeque<>();

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /** Starts {@code java COMMON_FLAGS properties -cp CLASSPATH mainClass args}. */
    static ChildJvm start(String name, List<String> properties, Class<?> mainClass, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(COMMON_FLAGS);
        cmd.addAll(properties);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).start();
        ChildJvm c = new ChildJvm(name, p);
        LIVE.add(c);
        Thread.ofPlatform().name("echo-bench-" + name + "-out").daemon(true).start(() -> c.pump(p.getInputStream(), true));
        Thread.ofPlatform().name("echo-bench-" + name + "-err").daemon(true).start(() -> c.pump(p.getErrorStream(), false));
        return c;
    }

    /**
     * The class path the children run with: this JVM's. Under Maven Surefire that is a
     * manifest-only jar whose Class-Path names the test class path, which works for a child too.
     */
    static String classPath() {
        return System.getProperty("java.class.path");
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /**
     * The next line of standard output, waiting until {@code deadline} (System.nanoTime);
     * {@code null} on the deadline or at the end of the output.
     */
    String nextLine(long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        String l = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : lines.poll();
        if (l == EOF) {
            lines.add(EOF); // stays at the end for later calls
            return null;
        }
        return l;
    }

    /** The last lines of its standard error, one line, for a failure's note. */
    String stderrTail() {
        synchronized (stderr) {
            return stderr.isEmpty() ? "" : " [" + name + " stderr: " + String.join(" / ", stderr) + "]";
        }
    }

    /**
     * Tells it to stop (end of input), then SIGTERM after {@code graceSeconds}, then SIGKILL
     * after 5 more.
     *
     * @return how it ended: {@code "exit 0"} when it stopped by itself, or what it took
     */
    String stop(int graceSeconds) {
        try {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // gone already
            }
            if (process.waitFor(graceSeconds, TimeUnit.SECONDS)) return "exit " + process.exitValue();
            process.destroy();
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                return "did not stop within " + graceSeconds + " s of the end of its input; SIGTERM: exit " + process.exitValue();
            }
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return "did not stop on end of input nor SIGTERM: killed";
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return "killed (interrupted)";
        } finally {
            if (!process.isAlive()) LIVE.remove(this);
        }
    }

    /** Waits up to {@code seconds} for it to end by itself; its exit code, or null if it has not. */
    Integer awaitExit(int seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    @Override
    public void close() {
        stop(5);
    }

    /** SIGKILL to every child still running (the shutdown hook: no time for manners). */
    static void killAll() {
        for (ChildJvm c : LIVE) {
            c.process.destroyForcibly();
            // also anything it started (nothing does today)
            c.process.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }

    private void pump(InputStream in, boolean out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                if (out) {
                    lines.add(l);
                } else {
                    synchronized (stderr) {
                        if (stderr.size() == TAIL) stderr.removeFirst();
                        stderr.addLast(l.strip());
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            if (out) lines.add(EOF);
        }
    }
}
