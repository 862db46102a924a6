package io.weft.stress.pooler;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Raw-protocol clients that write to the ledger and die at the worst moments: inside a
 * transaction, between Execute and Sync (alone, or behind pipelined synced work), in the middle
 * of a message, inside a COPY, with the COMMIT on the wire, while results or a COPY OUT stream
 * in, while logging in. Each death is a FIN or a
 * reset at random. Others commit normally, so the ledger has rows that must be there, and
 * some cancel their own {@code pg_sleep}, so a cancel reaching another client shows up as an
 * error where none was asked for.
 */
final class ChaosClients {
    enum Scenario {
        COMMIT(4), EXTENDED_COMMIT(3), COPY_COMMIT(1),
        DIE_IN_TRANSACTION(2), DIE_BEFORE_SYNC(2), DIE_PIPELINED(1), DIE_MID_MESSAGE(1), DIE_MID_COPY(1),
        DIE_AFTER_COMMIT_SENT(1), DIE_READING_RESULTS(1), DIE_LOGGING_IN(1), CANCEL(1);

        final int weight;

        Scenario(int weight) {
            this.weight = weight;
        }
    }

    private static final String QUERY_CANCELED = "57014";

    private final Target target;
    private final Ledger ledger;
    private final String run;
    private final int count;
    private final long seed;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> workers = new ArrayList<>();
    private final Map<Scenario, AtomicLong> runs = new EnumMap<>(Scenario.class);
    private final AtomicLong deaths = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong cancelsHonoured = new AtomicLong();
    private final AtomicLong cancelsSleptThrough = new AtomicLong();
    private final AtomicLong unexpected = new AtomicLong();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

    /** Where the chaos clients log in. */
    record Target(int port, String user, String password, String database) {}

    ChaosClients(Target target, Ledger ledger, String run, int count, long seed) {
        this.target = target;
        this.ledger = ledger;
        this.run = run;
        this.count = count;
        this.seed = seed;
        for (Scenario s : Scenario.values()) runs.put(s, new AtomicLong());
    }

    void start() {
        for (int i = 0; i < count; i++) {
            Random random = new Random(seed + i);
            // Platform threads: the clients must not share a scheduler with the pooler under test.
            Thread t = Thread.ofPlatform().name("chaos-" + i).daemon().unstarted(() -> work(random));
            workers.add(t);
            t.start();
        }
    }

    /** Stops the clients and waits for them (each finishes or abandons its current scenario). */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : workers) {
            t.join(120_000);
            if (t.isAlive()) problem("chaos client " + t.getName() + " did not stop within 120 s (stuck in a read?)");
        }
    }

    private void work(Random random) {
        int totalWeight = 0;
        for (Scenario s : Scenario.values()) totalWeight += s.weight;
        while (!stop.get()) {
            int pick = random.nextInt(totalWeight);
            Scenario scenario = null;
            for (Scenario s : Scenario.values()) {
                pick -= s.weight;
                if (pick < 0) {
                    scenario = s;
                    break;
                }
            }
            runs.get(scenario).incrementAndGet();
            try {
                play(scenario, random);
            } catch (WireClient.ServerSaid e) {
                if (e.sqlState.equals(QUERY_CANCELED)) {
                    problem("a cancel reached the wrong client: " + scenario + " got " + e.getMessage());
                } else {
                    unexpected(scenario, e);
                }
            } catch (IOException | RuntimeException e) {
                unexpected(scenario, e);
            }
            pause(random, 10, 60);
        }
    }

    private void play(Scenario scenario, Random random) throws IOException {
        boolean reset = random.nextBoolean();
        if (scenario == Scenario.DIE_LOGGING_IN) {
            WireClient c = WireClient.connect(target.port());
            c.login(target.user(), target.password(), target.database(), random.nextInt(3));
            die(c, reset);
            return;
        }
        WireClient c = WireClient.connect(target.port());
        try {
            c.login(target.user(), target.password(), target.database(), -1);
            switch (scenario) {
                case COMMIT -> {
                    for (int i = 1 + random.nextInt(3); i > 0; i--) {
                        long[] ids = ledger.issue(1 + random.nextInt(3));
                        c.query("BEGIN");
                        c.query(insert(ids, scenario));
                        if ("COMMIT".equals(c.query("COMMIT"))) ledger.mark(ids, Ledger.Expect.COMMITTED);
                        else throw new IOException("COMMIT not acknowledged as COMMIT");
                    }
                    leaveOrDie(c, random);
                }
                case EXTENDED_COMMIT -> {
                    long[] ids = ledger.issue(1);
                    String name = random.nextBoolean() ? "" : "chaos_insert";
                    parseBindInsert(c, name, ids[0], scenario);
                    c.out.execute("", 0);
                    c.out.sync();
                    c.out.flush();
                    c.awaitReady();
                    ledger.mark(ids, Ledger.Expect.COMMITTED);
                    leaveOrDie(c, random);
                }
                case COPY_COMMIT -> {
                    long[] ids = ledger.issue(1 + random.nextInt(20));
                    c.send(copy());
                    c.awaitType('G');
                    for (long id : ids) c.copyData(row(id, scenario));
                    c.copyDone();
                    c.out.flush();
                    c.awaitReady();
                    ledger.mark(ids, Ledger.Expect.COMMITTED);
                    leaveOrDie(c, random);
                }
                case DIE_IN_TRANSACTION -> {
                    long[] ids = ledger.issue(1 + random.nextInt(3));
                    c.query("BEGIN");
                    c.query(insert(ids, scenario));
                    ledger.mark(ids, Ledger.Expect.ABSENT);
                    if (random.nextBoolean()) pause(random, 0, 200); // idle in transaction for a while
                    die(c, reset);
                }
                case DIE_BEFORE_SYNC -> {
                    long[] ids = ledger.issue(1);
                    boolean block = random.nextBoolean();
                    if (block) c.query("BEGIN");
                    String name = random.nextBoolean() ? "" : "chaos_insert";
                    parseBindInsert(c, name, ids[0], scenario);
                    c.out.execute("", 0);
                    c.out.flushMessage(); // executed now, committed only by a Sync that never comes
                    c.out.flush();
                    c.awaitType('C');
                    ledger.mark(ids, Ledger.Expect.ABSENT);
                    die(c, reset);
                }
                case DIE_PIPELINED -> {
                    // Two synced inserts and a third without Sync, all sent at once: the pooler
                    // sees the client go with two ReadyForQuery still to come and work unsynced.
                    long[] synced = ledger.issue(2);
                    long[] unsynced = ledger.issue(1);
                    String name = random.nextBoolean() ? "" : "chaos_insert";
                    for (long[] ids : new long[][] {{synced[0]}, {synced[1]}, unsynced}) {
                        if (name.isEmpty() || ids[0] == synced[0]) {
                            parseBindInsert(c, name, ids[0], scenario);
                        } else { // a named statement is parsed once per session
                            c.bindText("", name, Long.toString(ids[0]), run, scenario.name());
                        }
                        c.out.execute("", 0);
                        if (ids != unsynced) c.out.sync();
                    }
                    c.out.flushMessage();
                    c.out.flush();
                    ledger.mark(unsynced, Ledger.Expect.ABSENT);
                    if (random.nextBoolean()) { // read the answers: the synced two are then known committed
                        int ready = 0;
                        int completes = 0;
                        while (ready < 2 || completes < 3) {
                            c.next();
                            if (c.in.type() == 'Z') ready++;
                            if (c.in.type() == 'C') completes++;
                            if (c.in.type() == 'E') throw new WireClient.ServerSaid(c.field('C'), c.field('M'));
                        }
                        ledger.mark(synced, Ledger.Expect.COMMITTED);
                    }
                    die(c, reset);
                }
                case DIE_MID_MESSAGE -> {
                    long[] ids = ledger.issue(1);
                    c.query("BEGIN");
                    c.query(insert(ids, scenario));
                    ledger.mark(ids, Ledger.Expect.ABSENT);
                    // Half a COMMIT: the pooler must not pass on what it cannot complete.
                    c.sendTruncatedQuery("COMMIT", 1 + random.nextInt(10));
                    die(c, reset);
                }
                case DIE_MID_COPY -> {
                    long[] ids = ledger.issue(1 + random.nextInt(20));
                    if (random.nextBoolean()) c.query("BEGIN");
                    c.send(copy());
                    c.awaitType('G');
                    for (long id : ids) c.copyData(row(id, scenario));
                    if (random.nextBoolean()) c.copyData("12"); // and half a row
                    c.out.flush();
                    ledger.mark(ids, Ledger.Expect.ABSENT);
                    pause(random, 0, 50);
                    die(c, reset);
                }
                case DIE_AFTER_COMMIT_SENT -> {
                    long[] ids = ledger.issue(1);
                    c.query("BEGIN");
                    c.query(insert(ids, scenario));
                    c.send("COMMIT"); // may or may not happen: the row stays in doubt
                    die(c, reset);
                }
                case DIE_READING_RESULTS -> {
                    c.send(random.nextBoolean() ? "SELECT repeat('x', 1000) FROM generate_series(1, 20000)"
                            : "COPY (SELECT repeat('y', 500) FROM generate_series(1, 40000)) TO STDOUT");
                    for (int i = random.nextInt(50); i > 0; i--) c.next();
                    die(c, reset);
                }
                case CANCEL -> cancelOwnSleep(c, random);
                case DIE_LOGGING_IN -> throw new AssertionError("handled above");
            }
        } finally {
            c.close();
        }
    }

    /**
     * Sends {@code pg_sleep(10)} and cancels it with its own key every 300 ms until it ends: a
     * cancel the pooler drops (no server connection yet) is simply sent again.
     */
    private void cancelOwnSleep(WireClient c, Random random) throws IOException {
        c.send("SELECT pg_sleep(10)");
        AtomicBoolean done = new AtomicBoolean();
        Thread canceller = Thread.ofPlatform().daemon().name("chaos-cancel").start(() -> {
            while (!done.get()) {
                try {
                    Thread.sleep(300);
                    if (!done.get()) c.cancel(target.port());
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    problem("sending a CancelRequest failed: " + e);
                    return;
                }
            }
        });
        try {
            c.awaitReady();
            cancelsSleptThrough.incrementAndGet();
        } catch (WireClient.ServerSaid e) {
            if (!e.sqlState.equals(QUERY_CANCELED)) throw e;
            cancelsHonoured.incrementAndGet();
        } finally {
            done.set(true);
            canceller.interrupt();
            try {
                canceller.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        leaveOrDie(c, random);
    }

    private String insert(long[] ids, Scenario scenario) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + Ledger.TABLE + " (id, run, scenario) VALUES ");
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) sql.append(", ");
            sql.append('(').append(ids[i]).append(", '").append(run).append("', '").append(scenario).append("')");
        }
        return sql.toString();
    }

    /**
     * Parse (of one text for every client, so in the transaction pipeline the pooler shares the
     * named statement between clients and server connections) and Bind of an insert of one row.
     */
    private void parseBindInsert(WireClient c, String statement, long id, Scenario scenario) {
        c.out.parse(statement, INSERT_ONE);
        c.bindText("", statement, Long.toString(id), run, scenario.name());
    }

    private static final String INSERT_ONE =
            "INSERT INTO " + Ledger.TABLE + " (id, run, scenario) VALUES ($1::bigint, $2, $3)";

    private static String copy() {
        return "COPY " + Ledger.TABLE + " (id, run, scenario) FROM STDIN";
    }

    private String row(long id, Scenario scenario) {
        return id + "\t" + run + "\t" + scenario + "\n";
    }

    /** After work that committed: a Terminate, or a death between transactions. */
    private void leaveOrDie(WireClient c, Random random) {
        switch (random.nextInt(3)) {
            case 0 -> c.terminate();
            default -> die(c, random.nextBoolean());
        }
    }

    private void die(WireClient c, boolean reset) {
        deaths.incrementAndGet();
        if (reset) resets.incrementAndGet();
        c.die(reset);
    }

    private void unexpected(Scenario scenario, Exception e) {
        unexpected.incrementAndGet();
        problem(scenario + ": " + e);
    }

    private void problem(String what) {
        if (problems.size() < 20) problems.add(what);
    }

    private static void pause(Random random, int minMillis, int maxMillis) {
        try {
            Thread.sleep(minMillis + random.nextInt(maxMillis - minMillis + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Scenario runs so far, for progress lines. */
    long totalRuns() {
        return runs.values().stream().mapToLong(AtomicLong::get).sum();
    }

    Summary summary() {
        Map<Scenario, Long> r = new EnumMap<>(Scenario.class);
        runs.forEach((k, v) -> r.put(k, v.get()));
        return new Summary(r, deaths.get(), resets.get(), cancelsHonoured.get(), cancelsSleptThrough.get(),
                unexpected.get(), List.copyOf(problems));
    }

    /** What the chaos clients did, and what went wrong for them. */
    record Summary(Map<Scenario, Long> runs, long deaths, long resets, long cancelsHonoured, long cancelsSleptThrough,
                   long unexpectedErrors, List<String> problems) {}
}
