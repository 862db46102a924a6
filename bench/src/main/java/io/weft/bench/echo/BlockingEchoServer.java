package io.weft.bench.echo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Thread-per-connection echo over plain blocking {@code java.net} sockets: one thread accepts,
 * and each accepted connection gets a thread that reads up to a message's size and writes back
 * what it read, until the client closes. Which sockets and which threads (Weft virtual
 * threads, the JDK's, platform threads) is up to the caller: that is what the benchmark varies.
 */
final class BlockingEchoServer implements EchoService {
    private final ServerSocket listener;
    private final Consumer<Runnable> threads;
    private final int bufferSize;
    private final String description;
    private final Runnable afterClose;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong failures = new AtomicLong();

    /**
     * @param listener    bound and listening
     * @param threads     starts a task in a new thread of the kind measured
     * @param bufferSize  the largest read: the message size
     * @param afterClose  run once the sockets are closed (stops a scheduler)
     */
    BlockingEchoServer(ServerSocket listener, Consumer<Runnable> threads, int bufferSize, String description,
                       Runnable afterClose) {
        this.listener = listener;
        this.threads = threads;
        this.bufferSize = bufferSize;
        this.description = description;
        this.afterClose = afterClose;
    }

    /** Starts the accepting thread (a thread of the measured kind too: Weft's sockets need one). */
    BlockingEchoServer start() {
        threads.accept(this::acceptLoop);
        return this;
    }

    @Override
    public int port() {
        return listener.getLocalPort();
    }

    @Override
    public String description() {
        return description;
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (closed.get()) return;
                // EMFILE and the like: say so, back off, keep serving the connections we have.
                complain("accept: " + e);
                pause();
                continue;
            }
            open.add(s);
            try {
                threads.accept(() -> serve(s));
            } catch (RuntimeException | OutOfMemoryError e) { // no more threads
                complain("cannot start a thread for a connection: " + e);
                closeQuietly(s);
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            // Request/response: without it a 4 KiB echo that is written in two pieces waits for
            // the client's delayed ACK before its second piece goes out.
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[bufferSize];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // A reset by the client at the end of the run, or our own close: neither is news.
            if (!closed.get() && !isReset(e)) complain("connection: " + e);
        } finally {
            open.remove(s);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        closeQuietly(listener);
        for (Socket s : open) closeQuietly(s);
        afterClose.run();
    }

    private static boolean isReset(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("reset") || m.contains("Broken pipe") || m.contains("closed");
    }

    private void complain(String what) {
        // Rate-limited: 10,000 connections failing alike must not flood the harness's log.
        long n = failures.incrementAndGet();
        if (n <= 5 || Long.bitCount(n) == 1) System.err.println("echo server (" + n + "): " + what);
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
