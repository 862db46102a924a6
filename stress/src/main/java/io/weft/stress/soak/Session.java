package io.weft.stress.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One client connection of the soak, from connect to close, on the client's virtual threads:
 * this thread reads and checks the echo; a second one writes. Writing and reading are
 * independent (as in a real pipelined client), so a stalled reader really does leave the
 * writer and the server blocked on full buffers.
 *
 * <p>Every byte read is compared with the byte sent at that position ({@link ByteStream}); the
 * session fails the soak on a mismatch (corruption), an end of stream before every byte came
 * back (loss), bytes beyond what was sent, or any error other than the ones its own reset
 * causes. {@link #lastProgress} and {@link #stalledUntil} let the watchdog tell a stuck
 * connection from a deliberately stalled one.
 */
final class Session {
    /** Connect timeout: longer than the SYN retries a full backlog causes (1 s, 3 s, 7 s). */
    static final int CONNECT_TIMEOUT_MILLIS = 20_000;
    /** Socket buffers of a stalling connection: small, so the pipe fills with little memory. */
    static final int STALL_BUFFER = 16 * 1024;
    /** The largest write, and how often the writer pauses (think time), keeping the load steady. */
    static final int MAX_CHUNK = 8192;
    static final int PAUSE_PERCENT = 25;
    static final int MAX_PAUSE_MILLIS = 100;
    /**
     * A connection first sits idle for up to this long, as a keep-alive connection does: the
     * server's reader is parked meanwhile (no buffer pinned in completion mode), and sessions
     * last long enough that nearly all slots hold an open connection at any moment rather
     * than being between a close and the next connect.
     */
    static final int MAX_IDLE_MILLIS = 2000;

    final int slot;
    final SessionPlan plan;
    private final ClientStats stats;
    private final InetSocketAddress server;
    private final InetAddress localAddress;
    private final SplittableRandom random;
    volatile long lastProgress = System.nanoTime();
    /** {@link ClientStats#lagNanos} when progress was last made: the client's own lag since then is not the server's. */
    private volatile long lagAtProgress;
    private volatile Thread writerThread;
    private volatile Thread readerThread;
    volatile long stalledUntil;
    volatile String phase = "connecting";
    volatile long sent;
    volatile long received;
    private volatile boolean resetting;
    private volatile Socket socket;

    Session(int slot, SessionPlan plan, InetSocketAddress server, InetAddress localAddress, ClientStats stats) {
        this.slot = slot;
        this.plan = plan;
        this.server = server;
        this.localAddress = localAddress;
        this.stats = stats;
        this.random = new SplittableRandom(plan.seed() ^ 0x5eedL);
    }

    /** Runs the whole connection; problems go to the stats. */
    void run() {
        Socket s = new Socket();
        socket = s;
        Thread writer = null;
        try (s) {
            if (plan.kind() == SessionPlan.Kind.STALL) {
                s.setReceiveBufferSize(STALL_BUFFER);
                s.setSendBufferSize(STALL_BUFFER);
            }
            if (localAddress != null) s.bind(new InetSocketAddress(localAddress, 0));
            s.connect(server, CONNECT_TIMEOUT_MILLIS);
            progress();
            stats.opened.increment();
            if (plan.ipv6()) stats.ipv6.increment();
            readerThread = Thread.currentThread();
            writer = Thread.ofVirtual().name("soak-writer-" + slot).start(this::write);
            writerThread = writer;
            read(s.getInputStream());
        } catch (IOException e) {
            if (!resetting) stats.problem(describe() + ": " + e);
        } finally {
            if (writer != null) {
                try {
                    writer.join(); // the close above ends a blocked write
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            phase = "done";
        }
    }

    private void read(InputStream in) throws IOException {
        byte[] buf = new byte[MAX_CHUNK];
        byte[] scratch = new byte[MAX_CHUNK];
        long until = plan.kind() == SessionPlan.Kind.RESET ? plan.resetAt() : plan.total();
        boolean stallDone = plan.kind() != SessionPlan.Kind.STALL;
        phase = "reading";
        while (received < until) {
            if (!stallDone && received > 0) {
                stall();
                stallDone = true;
            }
            int r = in.read(buf, 0, (int) Math.min(buf.length, until - received));
            if (r < 0) {
                stats.problem(describe() + ": LOST BYTES: end of stream after " + received + " of " + plan.total()
                        + " bytes came back");
                return;
            }
            int m = ByteStream.mismatch(plan.seed(), received, buf, 0, r, scratch);
            if (m >= 0) {
                stats.problem(describe() + ": CORRUPTED: echoed byte " + (received + m) + " differs from the byte sent");
                return;
            }
            received += r;
            stats.bytesVerified.add(r);
            progress();
        }
        switch (plan.kind()) {
            case RESET -> {
                resetting = true;
                phase = "resetting";
                socket.setSoLinger(true, 0);
                socket.close(); // an RST: the server's read or write fails with a reset
                stats.resets.increment();
            }
            case CLOSE -> {
                stats.closed.increment();
            }
            case HALF_CLOSE, STALL -> {
                // The writer shuts down output after its last byte (HALF_CLOSE, half of the
                // stalls); then the server closes after echoing: end of stream, nothing more.
                if (halfCloses()) {
                    phase = "awaiting end of stream";
                    int r = in.read(buf);
                    if (r >= 0) {
                        stats.problem(describe() + ": " + (r > 0 ? r + " bytes more than were sent" : "no end of stream")
                                + " after the whole echo of a half-closed connection");
                        return;
                    }
                    stats.halfClosed.increment();
                } else {
                    stats.closed.increment();
                }
            }
        }
    }

    /** Stops reading for the plan's stall time; counts it as blocking if the writer stopped meanwhile. */
    private void stall() {
        phase = "stalled";
        stats.stalls.increment();
        long t0 = System.nanoTime();
        stalledUntil = t0 + plan.stallMillis() * 1_000_000L;
        try {
            Thread.sleep(plan.stallMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The writer made no progress in the last second of the stall and has more to send:
        // every buffer between it and our reader was full, so the server was blocked writing.
        if (sent < plan.total() && System.nanoTime() - lastWrite > 1_000_000_000L) stats.stallsBlocked.increment();
        progress();
        phase = "reading";
    }

    private volatile long lastWrite = System.nanoTime();

    private void write() {
        byte[] buf = new byte[MAX_CHUNK];
        Socket s = socket;
        try {
            OutputStream out = s.getOutputStream();
            Thread.sleep(random.nextInt(MAX_IDLE_MILLIS));
            while (sent < plan.total() && !resetting) {
                int n = (int) Math.min(1 + random.nextInt(MAX_CHUNK), plan.total() - sent);
                ByteStream.fill(plan.seed(), sent, buf, 0, n);
                out.write(buf, 0, n);
                sent += n;
                stats.bytesSent.add(n);
                lastWrite = System.nanoTime();
                progress();
                if (plan.kind() != SessionPlan.Kind.STALL && random.nextInt(100) < PAUSE_PERCENT) {
                    Thread.sleep(random.nextInt(MAX_PAUSE_MILLIS));
                }
            }
            if (halfCloses() && !resetting) s.shutdownOutput();
        } catch (IOException e) {
            if (!resetting && !s.isClosed()) stats.problem(describe() + ": write: " + e);
        } catch (InterruptedException | RuntimeException e) {
            stats.problem(describe() + ": writer: " + e); // a harness bug, or nobody to interrupt us
        }
    }

    private boolean halfCloses() {
        return plan.kind() == SessionPlan.Kind.HALF_CLOSE
                || (plan.kind() == SessionPlan.Kind.STALL && (plan.seed() & 1) == 0);
    }

    private void progress() {
        lagAtProgress = stats.lagNanos.get();
        lastProgress = System.nanoTime();
    }

    /**
     * Is it stuck: no byte moved for {@code boundNanos}, outside a deliberate stall, not
     * counting the time the client JVM itself was not running its virtual threads (its
     * heartbeat's lag, {@link ClientStats#lagNanos}: on a loaded machine the client's own
     * sleeps can wake seconds late, which says nothing about the server)?
     */
    boolean stuck(long now, long boundNanos) {
        long quiet = now - lastProgress - (stats.lagNanos.get() - lagAtProgress);
        return !"done".equals(phase) && quiet > boundNanos && now - stalledUntil > boundNanos;
    }

    String describe() {
        return String.format(Locale.ROOT, "connection slot %d (%s, %s, %d bytes%s%s)", slot, plan.ipv6() ? "::1" : "127.0.0.1",
                plan.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'), plan.total(),
                plan.kind() == SessionPlan.Kind.RESET ? ", reset after " + plan.resetAt() : "",
                plan.kind() == SessionPlan.Kind.STALL ? ", stalls " + plan.stallMillis() + " ms" : "");
    }

    /** For a stuck report: where it is, and where its two threads are. */
    String state() {
        return describe() + " " + phase + ", sent " + sent + ", received " + received + ", "
                + (System.nanoTime() - lastProgress) / 1_000_000 + " ms without progress (client lag "
                + (stats.lagNanos.get() - lagAtProgress) / 1_000_000 + " ms meanwhile); reader " + where(readerThread)
                + "; writer " + where(writerThread);
    }

    private static String where(Thread t) {
        if (t == null) return "none";
        StringBuilder sb = new StringBuilder(t.getState().toString());
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(st.length, 8); i++) {
            if (st[i].getClassName().startsWith("io.weft.stress")) {
                sb.append(" at ").append(st[i]);
                break;
            }
            sb.append(" at ").append(st[i].getClassName().replaceAll(".*\\.", "")).append('.').append(st[i].getMethodName());
        }
        return sb.toString();
    }
}
