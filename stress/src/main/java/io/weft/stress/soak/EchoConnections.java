package io.weft.stress.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak server's connections: each accepted socket gets a virtual thread that echoes what
 * it reads until end of stream (the client's close or half-close) or an error (the client's
 * reset), then closes the socket. Counts what happened, and tracks every accepted socket with
 * a {@link Cleaner} so that the end snapshot can say how many are still reachable after a GC:
 * a precise heap-leak check that heap totals cannot give.
 */
final class EchoConnections {
    /** The most one read takes: what a client chunk is at most, so most reads are one chunk. */
    static final int BUFFER = 8192;
    private static final Cleaner CLEANER = Cleaner.create();

    private final Set<Thread> serving = ConcurrentHashMap.newKeySet();
    private final AtomicLong reachable = new AtomicLong();
    final LongAdder accepted = new LongAdder();
    final LongAdder endedByEof = new LongAdder();
    final LongAdder endedByReset = new LongAdder();
    final LongAdder bytesEchoed = new LongAdder();
    final LongAdder unexpected = new LongAdder();
    private final AtomicLong complaints = new AtomicLong();
    /** Test-only: a deliberate bug, to show the soak catches it (see {@link ServerFlaw}). */
    private final ServerFlaw flaw;

    EchoConnections(ServerFlaw flaw) {
        this.flaw = flaw;
    }

    /** Runs on the connection's own (Weft virtual) thread. */
    void serve(Socket s) {
        long n = accepted.longValue();
        accepted.increment();
        reachable.incrementAndGet();
        CLEANER.register(s, reachable::decrementAndGet); // the action must not capture s
        Thread self = Thread.currentThread();
        serving.add(self);
        boolean leak = flaw == ServerFlaw.LEAK && n % 50 == 7;
        try {
            echo(s, n);
            endedByEof.increment();
        } catch (IOException e) {
            if (isReset(e)) {
                endedByReset.increment();
            } else {
                unexpected.increment();
                complain("connection " + n + ": " + e);
            }
        } catch (RuntimeException | Error e) {
            unexpected.increment();
            complain("connection " + n + ": " + e);
        } finally {
            if (leak) {
                LEAKED.add(s); // the flaw: never closed, kept reachable
            } else {
                try {
                    s.close();
                } catch (IOException e) {
                    unexpected.increment();
                    complain("close: " + e);
                }
            }
            serving.remove(self);
        }
    }

    private static final Set<Socket> LEAKED = ConcurrentHashMap.newKeySet();

    private void echo(Socket s, long n) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[BUFFER];
        long total = 0;
        for (int r; (r = in.read(buf)) >= 0; ) {
            if (r == 0) continue;
            if (flaw == ServerFlaw.CORRUPT && n % 50 == 7 && total <= 100 && total + r > 100) {
                buf[(int) (100 - total)] ^= 0x20; // the flaw: one bit of byte 100 flipped
            }
            out.write(buf, 0, r);
            total += r;
            bytesEchoed.add(r);
        }
    }

    /** What a client's reset looks like to a reader or writer: nothing to report. */
    static boolean isReset(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Connection reset") || m.contains("Broken pipe");
    }

    int open() {
        return serving.size();
    }

    long reachableSockets() {
        return reachable.get();
    }

    /** Stack traces of the threads still serving, for a stuck-connection report. */
    String stacks(int max) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (Thread t : serving) {
            if (i++ == max) {
                sb.append(" ... and ").append(serving.size() - max).append(" more");
                break;
            }
            sb.append(" | ").append(t).append(" state ").append(t.getState()).append(" at");
            StackTraceElement[] st = t.getStackTrace();
            for (int k = 0; k < Math.min(st.length, 12); k++) sb.append(' ').append(st[k]);
        }
        return sb.toString();
    }

    void complain(String what) {
        // Rate-limited: thousands of connections failing alike must not flood the log.
        long c = complaints.incrementAndGet();
        if (c <= 10 || Long.bitCount(c) == 1) System.err.println("soak server (" + c + "): " + what);
    }
}
