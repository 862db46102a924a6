package io.weft.bench.echo;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * One thread of the load generator: a selector over its share of the connections, each in a
 * closed loop (send a message, read the whole echo, check it, send the next). Requests that
 * complete inside the measured window are counted and their latency recorded; after the window
 * no new request starts and the ones in flight are collected (and checked) until the drain
 * deadline.
 */
final class LoadWorker implements Runnable {
    /** Longest latency recorded exactly; anything longer is recorded as this. */
    static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Selector selector;
    private final List<LoadConnection> connections;
    private final long measureStart;
    private final long measureEnd;
    private final long drainDeadline;
    private final Consumer<String> problems;
    final Histogram latencies = new Histogram(MAX_LATENCY_NANOS, 3);
    long requests;       // completed inside the window
    long verified;       // echoes checked byte for byte, warm-up and drain included
    long mismatches;     // echoes that differed from what was sent
    long failed;         // connections lost to an error
    private int inFlight;

    LoadWorker(List<LoadConnection> connections, long measureStart, long measureEnd, long drainDeadline,
               Consumer<String> problems) throws IOException {
        this.selector = Selector.open();
        this.connections = new ArrayList<>(connections);
        this.measureStart = measureStart;
        this.measureEnd = measureEnd;
        this.drainDeadline = drainDeadline;
        this.problems = problems;
        for (LoadConnection c : connections) {
            c.channel.configureBlocking(false);
            c.channel.register(selector, SelectionKey.OP_READ, c);
        }
    }

    @Override
    public void run() {
        try {
            long now = System.nanoTime();
            for (LoadConnection c : connections) {
                start(c.channel.keyFor(selector), c, now);
            }
            Consumer<SelectionKey> handler = this::handle;
            while (true) {
                now = System.nanoTime();
                if (now >= drainDeadline || (now >= measureEnd && inFlight == 0)) break;
                selector.select(handler, 50);
            }
            if (inFlight > 0) problems.accept(inFlight + " requests still unanswered when the drain ended");
        } catch (IOException | ClosedSelectorException e) {
            problems.accept("load thread: " + e);
        } finally {
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void handle(SelectionKey key) {
        LoadConnection c = (LoadConnection) key.attachment();
        try {
            if (key.isWritable() && c.writeMore()) key.interestOps(SelectionKey.OP_READ);
            if (!key.isReadable() || !c.receive()) return;
            long now = System.nanoTime();
            long latency = now - c.sentAt;
            c.sentAt = -1;
            inFlight--;
            verified++;
            if (!c.echoMatches()) {
                mismatches++;
                fail(key, c, "an echo of " + c.size() + " bytes differed from the message sent");
                return;
            }
            if (now >= measureStart && now < measureEnd) {
                requests++;
                c.measured++;
                latencies.recordValue(Math.min(latency, MAX_LATENCY_NANOS));
            }
            if (now < measureEnd) start(key, c, now);
        } catch (IOException e) {
            fail(key, c, e.getMessage());
        }
    }

    private void start(SelectionKey key, LoadConnection c, long now) {
        try {
            inFlight++;
            if (!c.send(now)) key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        } catch (IOException e) {
            fail(key, c, e.getMessage());
        }
    }

    private void fail(SelectionKey key, LoadConnection c, String why) {
        if (c.sentAt >= 0) inFlight--;
        c.sentAt = -1;
        failed++;
        problems.accept(why);
        key.cancel();
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // gone anyway
        }
    }
}
