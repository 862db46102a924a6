package io.weft.stress.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
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
 * A soak process (the echo server or the load client): a JVM on this JVM's java and class
 * path, under a raised descriptor limit when {@link FdLimit} says so. Its standard output is
 * read line by line, the last lines of its standard error kept for failure messages. Its
 * standard input is the command channel; closing it tells the child to stop, and it closes by
 * itself if this JVM dies, so no child outlives the soak for long. (The same scheme as the echo
 * benchmark's ChildJvm, which lives in the bench module that this one cannot depend on.)
 */
final class ChildProcess implements AutoCloseable {
    private static final String EOF = new String("<eof>"); // compared by identity
    private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final int TAIL = 15;

    private final String name;
    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ArrayDeque<String> stderr = new ArrayDeque<>();

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.commands = process.getOutputStream();
    }

    /** Starts {@code [prlimit ...] java jvmFlags -cp CLASSPATH mainClass args}. */
    static ChildProcess start(String name, List<String> prefix, List<String> jvmFlags, Class<?> mainClass,
                              List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        // Under Maven Failsafe a manifest-only jar whose Class-Path names the test class path:
        // that works for a child too.
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).start();
        ChildProcess c = new ChildProcess(name, p);
        LIVE.add(c);
        Thread.ofPlatform().name("soak-" + name + "-out").daemon(true).start(() -> c.pump(p.getInputStream(), true));
        Thread.ofPlatform().name("soak-" + name + "-err").daemon(true).start(() -> c.pump(p.getErrorStream(), false));
        return c;
    }

    long pid() {
        return process.pid();
    }

    /** Sends one command line. */
    void send(String command) throws IOException {
        commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
    }

    /** The next line of standard output, or null at {@code deadline} (System.nanoTime) or the end of output. */
    String nextLine(long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        String l = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : lines.poll();
        if (l == EOF) {
            lines.add(EOF); // stays at the end for later calls
            return null;
        }
        return l;
    }

    /** The next line starting with {@code prefix}, skipping others; null on deadline or end of output. */
    String await(String prefix, long deadline) throws InterruptedException {
        for (String l; (l = nextLine(deadline)) != null; ) {
            if (l.startsWith(prefix)) return l;
        }
        return null;
    }

    /** Its last lines of standard error, on one line, for a failure message. */
    String stderrTail() {
        synchronized (stderr) {
            return stderr.isEmpty() ? "" : " [" + name + " stderr: " + String.join(" / ", stderr) + "]";
        }
    }

    /**
     * Closes its input (the stop signal), then SIGTERM after {@code graceSeconds}, then SIGKILL.
     *
     * @return {@code "exit N"} if it stopped by itself, or what it took
     */
    String stop(int graceSeconds) {
        try {
            try {
                commands.close();
            } catch (IOException ignored) {
                // gone already
            }
            if (process.waitFor(graceSeconds, TimeUnit.SECONDS)) return "exit " + process.exitValue();
            process.destroy();
            if (process.waitFor(5, TimeUnit.SECONDS)) return "did not stop within " + graceSeconds + " s; SIGTERM";
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return "did not stop within " + graceSeconds + " s nor on SIGTERM; killed";
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return "killed (interrupted)";
        } finally {
            if (!process.isAlive()) LIVE.remove(this);
        }
    }

    /** Waits up to {@code seconds} for it to end by itself: its exit code, or null. */
    Integer awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    @Override
    public void close() {
        stop(5);
    }

    /** SIGKILL to every child still running (a shutdown hook: Ctrl-C). */
    static void killAll() {
        for (ChildProcess c : LIVE) c.process.destroyForcibly();
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
