package io.weft.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.PollerConfig;
import io.weft.poller.testkit.LeakCheck;
import io.weft.scheduler.SchedulerConfig;
import io.weft.scheduler.WeftScheduler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link WeftSocket#setWriteBehind}: what only write-behind does, on one io_uring carrier in
 * completion mode. (Every ordinary socket test also runs with it on: the
 * {@link NetFixture#URING_COMPLETION_WRITE_BEHIND} rows, under transparent faults too, where
 * short and failed sends must be finished from their completions.)
 *
 * <p>The tests stall a send on purpose: the peer does not read, and small socket buffers fill,
 * so the send behind waits in the kernel for room while the writer goes on.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class WriteBehindTest {
    private static final int CHUNK = 16 * 1024;

    @AfterEach
    void resetDefault() {
        NetMode.setWriteBehind(false);
    }

    private static WeftScheduler oneCarrier() throws IOException {
        return WeftScheduler.start(new SchedulerConfig(1, 4096, 32, 2000, PollerConfig.fromSystemProperties().withBackend(Backend.IO_URING)));
    }

    /** A connected pair: {@code client} made with write-behind on, {@code peer} (its reader) with small buffers. */
    private record Pair(ServerSocket listener, WeftSocket client, Socket peer) implements AutoCloseable {
        static Pair open() throws IOException {
            ServerSocket listener = new WeftServerSocket(0, 8, InetAddress.getLoopbackAddress());
            listener.setReceiveBufferSize(4096);
            WeftSocket client = new WeftSocket();
            client.setSendBufferSize(4096);
            client.setWriteBehind(true);
            client.connect(listener.getLocalSocketAddress());
            Socket peer = listener.accept();
            return new Pair(listener, client, peer);
        }

        @Override
        public void close() throws IOException {
            try (listener; client; peer) {
                // closes all three
            }
        }
    }

    /** Writes 16 KiB pieces of {@code data} until done, counting the writes that returned. */
    private static CompletableFuture<Object> writer(WeftScheduler weft, Socket s, byte[] data, AtomicInteger returned,
            boolean shutdownAfter) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        weft.startVirtualThread(() -> {
            try {
                OutputStream out = s.getOutputStream();
                for (int off = 0; off < data.length; off += CHUNK) {
                    out.write(data, off, Math.min(CHUNK, data.length - off));
                    returned.incrementAndGet();
                }
                if (shutdownAfter) {
                    s.shutdownOutput();
                }
                f.complete("done");
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /**
     * Waits until the writer is stuck: {@code returned} has not moved for 300 ms and the last
     * write that returned left its send behind, still waiting for room (without write-behind
     * a write returns only once its send completed: this never holds). Returns the count.
     */
    private static int stalled(AtomicInteger returned, WeftSocket s) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        int last = -1;
        while (returned.get() != last || !s.sendBehindPending()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the writer did not stall with a send behind within 20 s ("
                        + returned.get() + " writes returned, send behind pending: " + s.sendBehindPending() + ")");
            }
            last = returned.get();
            Thread.sleep(300);
        }
        return last;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aWriteReturnsWhileItsSendStillWaitsAndTheBytesArriveIntactAndInOrder() throws Exception {
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(3).nextBytes(data);
        AtomicInteger returned = new AtomicInteger();
        try (WeftScheduler weft = oneCarrier(); Pair p = Pair.open()) {
            CompletableFuture<Object> w = writer(weft, p.client, data, returned, true);
            int n = stalled(returned, p.client);
            assertTrue(n < data.length / CHUNK, "the peer reads nothing: the writer must stall, but it wrote all " + n);
            byte[] got = p.peer.getInputStream().readAllBytes(); // to the FIN of shutdownOutput
            assertEquals("done", NetFixture.get(w));
            assertEquals(data.length, got.length);
            assertArrayEquals(data, got);
            assertFalse(p.client.sendBehindPending());
        }
    }

    @Test
    void closeLetsTheSendBehindFinishSoEveryWriteThatReturnedArrives() throws Exception {
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(5).nextBytes(data);
        AtomicInteger returned = new AtomicInteger();
        try (WeftScheduler weft = oneCarrier(); Pair p = Pair.open()) {
            CompletableFuture<Object> w = writer(weft, p.client, data, returned, false);
            int n = stalled(returned, p.client);
            CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
                try {
                    p.client.close(); // waits for the send behind, which needs the peer to read
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, r -> Thread.ofPlatform().start(r));
            awaitTrue(p.client::closeBegun, "the close begins"); // before the peer makes room
            byte[] got = p.peer.getInputStream().readAllBytes(); // until the close's FIN
            closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
            SocketException e = assertThrows(SocketException.class, () -> NetFixture.get(w));
            assertEquals("Socket closed", e.getMessage(), "the write after the last one that returned");
            assertEquals((long) n * CHUNK, got.length, "exactly the bytes of the writes that returned");
            assertArrayEquals(Arrays.copyOf(data, got.length), got);
        }
    }

    @Test
    void closeCancelsASendBehindThePeerDoesNotReadAfterItsGrace() throws Exception {
        byte[] data = new byte[8 * 1024 * 1024];
        AtomicInteger returned = new AtomicInteger();
        try (WeftScheduler weft = oneCarrier(); Pair p = Pair.open()) {
            CompletableFuture<Object> w = writer(weft, p.client, data, returned, false);
            stalled(returned, p.client);
            long start = System.nanoTime();
            p.client.close();
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis >= 900, "close cancelled the stalled send before its grace: " + tookMillis + " ms");
            SocketException e = assertThrows(SocketException.class, () -> NetFixture.get(w));
            assertEquals("Socket closed", e.getMessage());
            assertFalse(p.client.sendBehindPending());
        }
        // LeakCheck: the send's buffer and descriptor reference were given back.
    }

    @Test
    void anInterruptOfTheWriterWaitingForAStalledSendClosesTheSocketAsTheJdkDoes() throws Exception {
        byte[] data = new byte[8 * 1024 * 1024];
        AtomicInteger returned = new AtomicInteger();
        Thread[] writerThread = new Thread[1];
        try (WeftScheduler weft = oneCarrier(); Pair p = Pair.open()) {
            CompletableFuture<Object> w = new CompletableFuture<>();
            writerThread[0] = weft.startVirtualThread(() -> {
                try {
                    OutputStream out = p.client.getOutputStream();
                    for (int off = 0; off < data.length; off += CHUNK) {
                        out.write(data, off, CHUNK);
                        returned.incrementAndGet();
                    }
                    w.complete("done");
                } catch (Throwable t) {
                    w.completeExceptionally(t);
                }
            });
            stalled(returned, p.client);
            writerThread[0].interrupt();
            SocketException e = assertThrows(SocketException.class, () -> NetFixture.get(w));
            assertEquals("Closed by interrupt", e.getMessage());
            assertTrue(p.client.isClosed(), "an interrupted virtual thread's socket write closes the socket");
        }
    }

    @Test
    void aFailedSendIsReportedByTheNextWrite() throws Exception {
        try (WeftScheduler weft = oneCarrier(); Pair p = Pair.open()) {
            p.peer.setSoLinger(true, 0);
            p.peer.close(); // RST: every later send fails
            Thread.sleep(100);
            CompletableFuture<Object> w = new CompletableFuture<>();
            AtomicInteger returned = new AtomicInteger();
            weft.startVirtualThread(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        p.client.getOutputStream().write(new byte[100]);
                        returned.incrementAndGet();
                    }
                    w.complete("no failure");
                } catch (Throwable t) {
                    w.completeExceptionally(t);
                }
            });
            SocketException e = assertThrows(SocketException.class, () -> NetFixture.get(w));
            assertTrue(e.getMessage().startsWith("Connection reset") || e.getMessage().equals("Broken pipe"), e.getMessage());
            assertEquals(1, returned.get(), "the first write returns once queued; its send's failure comes from the second");
        }
    }

    @Test
    void closingTheSchedulerEndsASendStillInFlightWhoseThreadHasEnded() throws Exception {
        try (Pair p = Pair.open()) {
            WeftScheduler weft = oneCarrier();
            CompletableFuture<Object> w = new CompletableFuture<>();
            weft.startVirtualThread(() -> {
                try {
                    // Write until a send stays behind (the peer reads nothing), then end the
                    // thread: nobody will ever wait for that send.
                    for (int i = 0; i < 10_000; i++) {
                        p.client.getOutputStream().write(new byte[CHUNK]);
                        Thread.sleep(5);
                        if (p.client.sendBehindPending()) {
                            w.complete("left a send behind after " + (i + 1) + " writes");
                            return;
                        }
                    }
                    w.complete("no send stayed behind");
                } catch (Throwable t) {
                    w.completeExceptionally(t);
                }
            });
            assertTrue(((String) NetFixture.get(w)).startsWith("left a send behind"), w.get().toString());
            weft.close(); // its ring ends the send with -ECANCELED; the send gives back buffer and descriptor
            assertFalse(p.client.sendBehindPending());
        }
        // LeakCheck: nothing left.
    }

    @Test
    void smallWritesInARequestResponseExchangeAllArrive() throws Exception {
        try (WeftScheduler weft = oneCarrier();
             ServerSocket listener = new WeftServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            int rounds = 5_000;
            CompletableFuture<Object> server = new CompletableFuture<>();
            weft.startVirtualThread(() -> {
                try (WeftSocket s = (WeftSocket) listener.accept()) {
                    s.setWriteBehind(true);
                    InputStream in = s.getInputStream();
                    byte[] msg = new byte[8];
                    while (in.readNBytes(msg, 0, 8) == 8) {
                        msg[7]++;
                        s.getOutputStream().write(msg);
                    }
                    server.complete("eof");
                } catch (Throwable t) {
                    server.completeExceptionally(t);
                }
            });
            CompletableFuture<Object> client = new CompletableFuture<>();
            weft.startVirtualThread(() -> {
                try (WeftSocket s = new WeftSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                    s.setWriteBehind(true);
                    s.setTcpNoDelay(true);
                    ByteArrayOutputStream wrong = new ByteArrayOutputStream();
                    for (int i = 0; i < rounds; i++) {
                        byte[] msg = {(byte) i, (byte) (i >> 8), 0, 0, 0, 0, 0, 1};
                        s.getOutputStream().write(msg);
                        byte[] back = s.getInputStream().readNBytes(8);
                        msg[7] = 2;
                        if (!Arrays.equals(msg, back)) {
                            wrong.write(i);
                        }
                    }
                    s.shutdownOutput();
                    client.complete(wrong.size());
                } catch (Throwable t) {
                    client.completeExceptionally(t);
                }
            });
            assertEquals(0, NetFixture.get(client), "round trips answered wrongly");
            assertEquals("eof", NetFixture.get(server));
        }
    }

    @Test
    void theSystemPropertySetsTheDefaultOfNewSocketsAcceptedOnesToo() throws Exception {
        NetMode.setWriteBehind(true);
        try (ServerSocket listener = new WeftServerSocket(0, 8, InetAddress.getLoopbackAddress());
             WeftSocket client = new WeftSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket accepted = listener.accept()) {
            assertTrue(client.writeBehind());
            assertTrue(((WeftSocket) accepted).writeBehind());
            client.setWriteBehind(false);
            assertFalse(client.writeBehind());
        }
        NetMode.setWriteBehind(false);
        try (WeftSocket s = new WeftSocket()) {
            assertFalse(s.writeBehind(), "off by default");
        }
    }
}
