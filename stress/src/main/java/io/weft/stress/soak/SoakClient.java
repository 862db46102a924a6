package io.weft.stress.soak;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The soak's load, a JVM of its own (its own descriptor table: 10,000 connections need 10,000
 * descriptors on each side) started by {@link Soak}:
 * {@code SoakClient --port4 P --port6 P|0 --connections N --seconds S --stuck-seconds B --seed X}.
 *
 * <p>Keeps N connections open for S seconds, each slot on a virtual thread of the JDK's own
 * scheduler (the client is the reference, Weft is what is tested): a slot runs one
 * {@link Session} after another, reconnecting after a short pause. Slots start spread over a
 * ramp of a few seconds, so the listen backlog (capped by net.core.somaxconn) does not
 * overflow. IPv4 connections come from 64 loopback source addresses (127.0.0.2 to
 * 127.0.0.65), so the TIME_WAIT of closed connections cannot exhaust the ephemeral ports.
 *
 * <p>Prints {@code SOAK-CLIENT-PROGRESS <ClientStats line>} every {@code --interval} seconds;
 * at the end, after every session has finished (at most the stuck bound later),
 * {@code SOAK-CLIENT-PROBLEM ...} lines and {@code SOAK-CLIENT-RESULT <line>}. Exit 0 if no
 * problem was found, 1 otherwise. A watchdog reports any connection that made no progress
 * within the stuck bound outside a deliberate stall. Stops at once when its input ends.
 */
public final class SoakClient {
    static final String PROGRESS = "SOAK-CLIENT-PROGRESS";
    static final String RESULT = "SOAK-CLIENT-RESULT";
    static final String PROBLEM = "SOAK-CLIENT-PROBLEM";
    /** Connections stalling at once, at most: each holds up to megabytes of kernel buffers. */
    static final int MAX_CONCURRENT_STALLS = 64;
    static final int SOURCE_ADDRESSES = 64;

    private SoakClient() {}

    public static void main(String[] args) throws Exception {
        int port4 = 0, port6 = 0, n = 100, seconds = 10, stuckSeconds = 60, interval = 10;
        long seed = System.nanoTime();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--port4" -> port4 = Integer.parseInt(v);
                case "--port6" -> port6 = Integer.parseInt(v);
                case "--connections" -> n = Integer.parseInt(v);
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--stuck-seconds" -> stuckSeconds = Integer.parseInt(v);
                case "--interval" -> interval = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        exitWhenInputEnds();
        System.exit(run(port4, port6, n, seconds, stuckSeconds, interval, seed) ? 0 : 1);
    }

    static boolean run(int port4, int port6, int n, int seconds, int stuckSeconds, int interval, long seed)
            throws InterruptedException, IOException {
        ClientStats stats = new ClientStats();
        Set<Session> active = ConcurrentHashMap.newKeySet();
        Semaphore stallPermits = new Semaphore(MAX_CONCURRENT_STALLS);
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port4);
        InetSocketAddress v6 = port6 == 0 ? null : new InetSocketAddress(InetAddress.getByName("::1"), port6);
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
        // Ramp: all slots started within a tenth of the run, at most 10 s.
        long rampNanos = Math.min(TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(seconds) / 10);
        SplittableRandom seeds = new SplittableRandom(seed);
        List<Thread> slots = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int slot = i;
            SplittableRandom r = seeds.split();
            long startAt = t0 + rampNanos * i / n;
            InetAddress source = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i % SOURCE_ADDRESSES)});
            slots.add(Thread.ofVirtual().name("soak-slot-" + i).start(() -> {
                try {
                    sleepUntil(startAt);
                    while (System.nanoTime() < end) {
                        boolean stall = stallPermits.tryAcquire();
                        SessionPlan plan = SessionPlan.draw(r, v6 != null, stall);
                        if (stall && plan.kind() != SessionPlan.Kind.STALL) {
                            stallPermits.release();
                            stall = false;
                        }
                        Session s = new Session(slot, plan, plan.ipv6() ? v6 : v4, plan.ipv6() ? null : source, stats);
                        active.add(s);
                        try {
                            s.run();
                        } finally {
                            active.remove(s);
                            if (stall) stallPermits.release();
                        }
                        Thread.sleep(r.nextInt(20)); // then reconnect
                    }
                } catch (InterruptedException e) {
                    // the drain's bound is over: stop
                }
            }));
        }

        Thread heartbeat = Thread.ofVirtual().name("soak-heartbeat").start(() -> {
            try {
                for (long before = System.nanoTime(); ; ) {
                    Thread.sleep(100);
                    long now = System.nanoTime();
                    long late = Math.max(0, now - before - 100_000_000L);
                    stats.lagNanos.addAndGet(late);
                    stats.maxLagNanos.accumulateAndGet(late, Math::max);
                    before = now;
                }
            } catch (InterruptedException e) {
                // the end
            }
        });
        long stuckNanos = TimeUnit.SECONDS.toNanos(stuckSeconds);
        Set<Session> reported = ConcurrentHashMap.newKeySet();
        long nextReport = t0 + TimeUnit.SECONDS.toNanos(interval);
        long drainDeadline = end + stuckNanos;
        boolean drained = false;
        while (System.nanoTime() < drainDeadline) {
            Thread.sleep(500);
            long now = System.nanoTime();
            for (Session s : active) {
                if (s.stuck(now, stuckNanos) && reported.add(s)) {
                    stats.problem("STUCK: " + s.state());
                }
            }
            if (now >= nextReport) {
                System.out.println(PROGRESS + " " + stats.line(active.size()));
                System.out.flush();
                nextReport += TimeUnit.SECONDS.toNanos(interval);
            }
            if (now >= end && slots.stream().noneMatch(Thread::isAlive)) {
                drained = true;
                break;
            }
        }
        if (!drained) {
            for (Session s : active) {
                if (reported.add(s)) stats.problem("STUCK at the end (no finish within " + stuckSeconds + " s): " + s.state());
            }
        }
        heartbeat.interrupt();
        System.out.println(PROGRESS + " " + stats.line(active.size()));
        for (String p : stats.problems()) System.out.println(PROBLEM + " " + p);
        long more = stats.problemCount.get() - ClientStats.KEEP;
        if (more > 0) System.out.println(PROBLEM + " ... and " + more + " more");
        System.out.println(RESULT + " " + stats.line(active.size()) + String.format(Locale.ROOT, " millis=%d",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
        System.out.flush();
        return stats.problemCount.get() == 0;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long left; (left = nanoTime - System.nanoTime()) > 0; ) TimeUnit.NANOSECONDS.sleep(left);
    }

    /** The parent closes our input to stop us, and so does its death: never linger. */
    private static void exitWhenInputEnds() {
        Thread.ofPlatform().name("soak-client-stdin").daemon(true).start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is said on stdin; only its end matters
                }
            } catch (IOException e) {
                // as good as the end
            }
            System.exit(3);
        });
    }
}
