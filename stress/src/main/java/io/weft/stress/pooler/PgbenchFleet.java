package io.weft.stress.pooler;

import io.weft.pooler.pg.CommandResult;
import io.weft.pooler.pg.PgTools;
import io.weft.pooler.pg.PgbenchResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * pgbench processes through the pooler, {@code slots} of them at once, each with its share of
 * the clients, while a killer SIGKILLs one at random every few seconds; a slot whose process
 * ended (killed or done) starts a new one until the run's end. Each process runs the TPC-B
 * script with its history rows tagged by a number of its own ({@code filler}), so the rows a
 * process committed can be counted and compared with what it reported. Processes run for a
 * random span, so many finish normally while the others are killed.
 */
final class PgbenchFleet {
    /** pgbench's built-in TPC-B-like script, with the history row tagged by :tag. */
    private static final String SCRIPT = """
            \\set aid random(1, 100000 * :scale)
            \\set bid random(1, 1 * :scale)
            \\set tid random(1, 10 * :scale)
            \\set delta random(-5000, 5000)
            BEGIN;
            UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
            SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
            UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;
            UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;
            INSERT INTO pgbench_history (tid, bid, aid, delta, mtime, filler) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP, :tag);
            END;
            """;
    private static final String[] MODES = {"simple", "extended", "prepared"};

    /** One pgbench process: its tag, how it ended and, if it finished by itself, its report. */
    record Process(int tag, String mode, int clients, boolean killed, PgbenchResult result) {}

    private final PgTools tools;
    private final PgTools.Target target;
    private final int slots;
    private final int clients;
    private final int scale;
    private final long endNanos;
    private final double killEverySeconds;
    private final Random random;
    private final Path dir;
    private final AtomicInteger nextTag;
    private final List<Thread> threads = new ArrayList<>();
    private final java.lang.Process[] running;
    private final boolean[] killedNow;
    private final ConcurrentLinkedQueue<Process> finished = new ConcurrentLinkedQueue<>();
    private final AtomicInteger started = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private Thread killer;

    /**
     * @param firstTag the first history tag (unique over every run against the same database)
     */
    PgbenchFleet(PgTools tools, PgTools.Target target, int slots, int clients, int scale, Duration length,
                 double killEverySeconds, long seed, int firstTag) throws IOException {
        this.tools = tools;
        this.target = target;
        this.slots = slots;
        this.clients = clients;
        this.scale = scale;
        this.endNanos = System.nanoTime() + length.toNanos();
        this.killEverySeconds = killEverySeconds;
        this.random = new Random(seed);
        this.nextTag = new AtomicInteger(firstTag);
        this.dir = Files.createTempDirectory("weft-stress-pgbench-");
        Files.writeString(dir.resolve("tpcb-tagged.sql"), SCRIPT);
        this.running = new java.lang.Process[slots];
        this.killedNow = new boolean[slots];
    }

    void start() {
        for (int i = 0; i < slots; i++) {
            int slot = i;
            int share = clients / slots + (i < clients % slots ? 1 : 0);
            long slotSeed = random.nextLong();
            Thread t = Thread.ofPlatform().name("pgbench-slot-" + i).daemon().start(() -> runSlot(slot, share, slotSeed));
            threads.add(t);
        }
        if (killEverySeconds > 0) {
            killer = Thread.ofPlatform().name("pgbench-killer").daemon().start(this::killLoop);
        }
    }

    /** Waits for every process to end (the last ones end by themselves at the run's end). */
    void await() throws InterruptedException {
        if (killer != null) killer.join();
        for (Thread t : threads) t.join();
    }

    private void runSlot(int slot, int share, long seed) {
        try {
            runSlotLoop(slot, share, seed);
        } catch (RuntimeException e) {
            problems.add("pgbench slot " + slot + " stopped: " + e);
        }
    }

    private void runSlotLoop(int slot, int share, long seed) {
        Random r = new Random(seed);
        for (;;) {
            long left = Duration.ofNanos(endNanos - System.nanoTime()).toSeconds();
            if (left < 5) return;
            // a random span, or the rest of the run if that is short: the last ones end together
            long span = left < 30 ? left : Math.min(left, 10 + r.nextInt(40));
            String mode = MODES[r.nextInt(MODES.length)];
            int tag = nextTag.getAndIncrement();
            finished.add(runOne(slot, tag, mode, share, span));
        }
    }

    private Process runOne(int slot, int tag, String mode, int share, long seconds) {
        Path out = dir.resolve("pgbench-" + tag + ".out");
        Path err = dir.resolve("pgbench-" + tag + ".err");
        List<String> cmd = List.of(tools.tool("pgbench"), "-n", "-c", Integer.toString(share), "-j",
                Integer.toString(Math.min(2, share)), "-T", Long.toString(seconds), "-M", mode, "-s",
                Integer.toString(scale), "-D", "tag=" + tag, "-f", dir.resolve("tpcb-tagged.sql").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(PgTools.baseEnvironment());
        env.putAll(target.environment());
        long t0 = System.nanoTime();
        java.lang.Process p;
        try {
            synchronized (running) {
                p = pb.start();
                running[slot] = p;
                killedNow[slot] = false;
            }
            started.incrementAndGet();
            // a pgbench that hangs well past its -T is a finding: it waited for the pooler forever
            if (!p.waitFor(seconds + 120, java.util.concurrent.TimeUnit.SECONDS)) {
                PgTools.killTree(p.toHandle(), Duration.ofSeconds(5));
                Files.writeString(err, "\n(weft stress: pgbench hung " + (seconds + 120) + " s and was killed)\n",
                        java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        boolean killed;
        synchronized (running) {
            killed = killedNow[slot];
            running[slot] = null;
        }
        try {
            CommandResult cr = new CommandResult(cmd, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - t0), false);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return new Process(tag, mode, share, killed, PgbenchResult.parse(cr));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every few seconds (jittered), SIGKILL a running pgbench; none in the last 10 s. */
    private void killLoop() {
        for (;;) {
            long sleep = (long) (killEverySeconds * 1000 * (0.5 + random.nextDouble()));
            long lastKill = endNanos - Duration.ofSeconds(10).toNanos();
            if (System.nanoTime() + sleep * 1_000_000 > lastKill) return; // let the last ones finish
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                return;
            }
            if (endNanos - System.nanoTime() < Duration.ofSeconds(10).toNanos()) return;
            synchronized (running) {
                int slot = random.nextInt(slots);
                if (running[slot] != null && running[slot].isAlive()) {
                    killedNow[slot] = true;
                    running[slot].destroyForcibly(); // SIGKILL: no goodbye to the pooler
                }
            }
        }
    }

    int started() {
        return started.get();
    }

    int runningNow() {
        synchronized (running) {
            int n = 0;
            for (java.lang.Process p : running) if (p != null) n++;
            return n;
        }
    }

    List<Process> processes() {
        return List.copyOf(finished);
    }

    /** Slots that could not go on (pgbench would not start, say). */
    List<String> problems() {
        return List.copyOf(problems);
    }

    void deleteFiles() {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) Files.deleteIfExists(p);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
