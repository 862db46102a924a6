package io.weft.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.LeakCheck;
import io.weft.scheduler.WeftScheduler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The multishot receive of completion mode ({@link ReceiveQueue}, {@link ReceiveStream}) where
 * it differs from a one-shot receive per read: it receives while nobody reads, so it must stop
 * at its limit and lose nothing, keep what a timed-out read did not take, hand over the
 * peer's end of stream and reset after the bytes before them, and let go of the socket when it
 * closes. What it shares with every other mode (echo, sizes, timeouts, close, interrupts) is
 * in WeftSocketTest and the conformance suite, which run it as their default io_uring row.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class ReceiveStreamTest {
    private WeftScheduler weft;
    private ServerSocket listener;
    private WeftSocket client;
    private Socket peer;

    @BeforeEach
    void open() throws IOException {
        weft = NetFixture.URING_COMPLETION_MULTISHOT.start();
        listener = new WeftServerSocket(0, 8, InetAddress.getLoopbackAddress());
        client = new WeftSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        peer = listener.accept();
    }

    @AfterEach
    void close() throws IOException {
        WeftScheduler w = weft;
        try (w; ServerSocket l = listener; Socket c = client; Socket p = peer) {
            // closes the sockets, then the scheduler
        }
    }

    @AfterAll
    static void resetMode() {
        NetFixture.reset();
    }

    private <T> T onWeft(java.util.concurrent.Callable<T> body) throws Exception {
        return NetFixture.get(NetFixture.URING_COMPLETION_MULTISHOT.run(weft, body));
    }

    @Test
    void aReaderThatFallsBehindStopsTheStreamAtItsLimitAndLosesNothing() throws Exception {
        // More than loopback's socket buffers hold, even grown to their maximum (tcp_rmem and
        // tcp_wmem, a few MiB each), so the writer must wait for the reader.
        byte[] data = new byte[24 * 1024 * 1024 + 5];
        new Random(7).nextBytes(data);
        InputStream in = client.getInputStream();
        byte[] first = new byte[1];
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                peer.getOutputStream().write(data);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        // One read starts the stream; then nobody reads, and the writer fills what there is.
        assertEquals(1, (int) onWeft(() -> in.read(first)));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int queued;
        do {
            Thread.sleep(20);
            queued = client.receiveQueued();
        } while (client.receiveStreaming() && System.nanoTime() - until < 0);
        assertFalse(client.receiveStreaming(), "the stream stops once the queue is full");
        // The kernel ends the stream at its limit (Linux 6.17+), past it by less than a buffer;
        // the byte the first read took counts towards it.
        int bound = NetMode.recvQueueBytes() + 16384;
        assertTrue(queued >= NetMode.recvQueueBytes() - 1 && queued <= bound, "queued " + queued + ", bound " + bound);
        assertFalse(writer.isDone(), "the rest waits in the kernel, holding the writer back");
        byte[] rest = onWeft(() -> readN(in, data.length - 1));
        writer.get(10, TimeUnit.SECONDS);
        assertEquals(data[0], first[0]);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1, data.length), rest);
    }

    @Test
    void aTimedOutReadLeavesWhatArrivesLaterForTheNext() throws Exception {
        Object r = onWeft(() -> {
            client.setSoTimeout(50);
            assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
            assertTrue(client.receiveStreaming(), "the stream outlives the timed-out read");
            peer.getOutputStream().write(new byte[] {1, 2, 3});
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (client.receiveQueued() < 3 && System.nanoTime() - until < 0) {
                Thread.sleep(5);
            }
            assertEquals(3, client.receiveQueued(), "received while nobody read");
            assertEquals(3, client.getInputStream().available());
            byte[] b = new byte[8];
            int n = client.getInputStream().read(b);
            return n + ":" + b[0] + b[1] + b[2];
        });
        assertEquals("3:123", r);
    }

    @Test
    void bytesBeforeTheEndOfStreamAreReadFirstThenMinusOneForEver() throws Exception {
        peer.getOutputStream().write(new byte[] {4, 5, 6});
        peer.shutdownOutput();
        String r = onWeft(() -> {
            InputStream in = client.getInputStream();
            byte[] b = new byte[8];
            int first = in.read(b, 0, 1); // starts the stream: 4 handed over, 5 and 6 queued, then the end
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (client.receiveStreaming() && System.nanoTime() - until < 0) {
                Thread.sleep(5);
            }
            int firstByte = b[0];
            return first + "," + firstByte + "," + in.read(b) + "," + b[0] + b[1] + "," + in.read(b) + "," + in.read();
        });
        assertEquals("1,4,2,56,-1,-1", r);
    }

    @Test
    void aResetIsReportedAfterTheBytesBeforeIt() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CompletableFuture<Object> reader = NetFixture.URING_COMPLETION_MULTISHOT.run(weft, () -> {
            InputStream in = client.getInputStream();
            byte[] b = new byte[1];
            reading.countDown();
            int first = in.read(b); // starts the stream; then the peer writes and resets
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (client.receiveStreaming() && System.nanoTime() - until < 0) {
                Thread.sleep(5);
            }
            int second = in.read(b);
            int secondByte = b[0];
            IOException e = assertThrows(IOException.class, () -> in.read(b));
            IOException again = assertThrows(IOException.class, () -> in.read(b));
            return first + "," + second + "," + secondByte + "," + e.getMessage() + "," + again.getMessage();
        });
        reading.await();
        Thread.sleep(50);
        peer.getOutputStream().write(new byte[] {6, 7});
        Thread.sleep(50);
        peer.setSoLinger(true, 0);
        peer.close(); // RST
        assertEquals("1,1,7,Connection reset,Connection reset", NetFixture.get(reader));
    }

    @Test
    void closeLetsGoOfTheSocketSoThePeerSeesTheEnd() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CompletableFuture<Object> reader = NetFixture.URING_COMPLETION_MULTISHOT.run(weft, () -> {
            reading.countDown();
            return client.getInputStream().read();
        });
        reading.await();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!client.receiveStreaming() && System.nanoTime() - until < 0) {
            Thread.sleep(5);
        }
        assertTrue(client.receiveStreaming());
        client.close();
        Throwable failure = assertThrows(Exception.class, () -> NetFixture.get(reader));
        assertInstanceOf(SocketException.class, failure instanceof java.util.concurrent.ExecutionException
                ? failure.getCause() : failure);
        assertFalse(client.receiveStreaming(), "close returns after the stream's last completion");
        // An armed receive would keep the connection open: the peer would wait here for ever.
        peer.setSoTimeout(5000);
        assertEquals(-1, peer.getInputStream().read());
    }

    @Test
    void anInterruptedReaderWithNothingToReadClosesTheSocketAsTheJdksDo() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        Thread[] self = new Thread[1];
        CompletableFuture<Object> reader = NetFixture.URING_COMPLETION_MULTISHOT.run(weft, () -> {
            self[0] = Thread.currentThread();
            reading.countDown();
            try {
                return client.getInputStream().read();
            } catch (IOException e) {
                return e.getClass().getSimpleName() + ":" + client.isClosed() + ":"
                        + Thread.currentThread().isInterrupted();
            }
        });
        reading.await();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!client.receiveStreaming() && System.nanoTime() - until < 0) {
            Thread.sleep(5);
        }
        self[0].interrupt();
        assertEquals("SocketException:true:true", NetFixture.get(reader));
    }

    /**
     * A platform thread may read a socket whose stream a virtual thread started; it ignores
     * its interrupt status, as a platform thread does on the JDK's sockets, and keeps it.
     */
    @Test
    void aPlatformThreadReadingAStreamingSocketIgnoresItsInterruptAsTheJdksDo() throws Exception {
        peer.getOutputStream().write(1);
        assertEquals(1, (int) onWeft(() -> client.getInputStream().read()));
        assertTrue(client.receiveStreaming());
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            try {
                int b = client.getInputStream().read();
                result.complete(b + ":" + Thread.currentThread().isInterrupted() + ":" + client.isClosed());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        Thread.sleep(100);
        peer.getOutputStream().write(2);
        assertEquals("2:true:false", result.get(10, TimeUnit.SECONDS));
    }

    private static byte[] readN(InputStream in, int n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(n);
        byte[] b = new byte[7919]; // odd, so reads split chunks
        while (out.size() < n) {
            int k = in.read(b, 0, Math.min(b.length, n - out.size()));
            if (k < 0) {
                break;
            }
            out.write(b, 0, k);
        }
        return out.toByteArray();
    }
}
