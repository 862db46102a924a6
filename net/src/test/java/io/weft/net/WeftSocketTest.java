package io.weft.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.KqueueTesting;
import io.weft.poller.testkit.LeakCheck;
import io.weft.scheduler.WeftScheduler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * WeftSocket and WeftServerSocket on each fixture: echo, many connections through one
 * listener (multishot accept on io_uring), reads larger and smaller than a receive buffer,
 * timeouts, and close waking blocked threads. The JDK comparison is the conformance suite's job.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class WeftSocketTest {
    @AfterAll
    static void resetMode() {
        NetFixture.reset();
    }

    @ParameterizedTest
    @MethodSource("io.weft.net.NetFixture#all")
    void echoesManyConnectionsThroughOneListener(NetFixture fixture) throws Exception {
        try (WeftScheduler weft = fixture.start();
             ServerSocket listener = new WeftServerSocket(0, 128, InetAddress.getLoopbackAddress())) {
            int clients = 50;
            CompletableFuture<Integer> server = fixture.run(weft, () -> {
                List<Thread> handlers = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Socket s = listener.accept();
                    Runnable echo = () -> echo(s);
                    handlers.add(weft == null ? Thread.ofPlatform().start(echo) : weft.startVirtualThread(echo));
                }
                for (Thread t : handlers) t.join();
                return clients;
            });
            List<CompletableFuture<byte[]>> replies = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int seed = i;
                replies.add(fixture.run(weft, () -> roundTrip(listener.getLocalPort(), seed)));
            }
            for (int i = 0; i < clients; i++) {
                assertArrayEquals(message(i), NetFixture.get(replies.get(i)), "client " + i);
            }
            assertEquals(clients, NetFixture.get(server));
        }
    }

    @ParameterizedTest
    @MethodSource("io.weft.net.NetFixture#all")
    void movesMegabytesBothWaysInPiecesOfEverySize(NetFixture fixture) throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(data);
        try (WeftScheduler weft = fixture.start();
             ServerSocket listener = new WeftServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> server = fixture.run(weft, () -> {
                try (Socket s = listener.accept()) {
                    echo(s);
                }
                return 0;
            });
            byte[] back = NetFixture.get(fixture.run(weft, () -> {
                try (Socket c = new WeftSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                    CompletableFuture<Void> writer = fixture.run(weft, () -> {
                        OutputStream out = c.getOutputStream();
                        // odd sizes: below, at and above the 16 KiB buffers
                        int off = 0;
                        int[] sizes = {1, 7, 16384, 40000, 333};
                        for (int i = 0; off < data.length; i++) {
                            int n = Math.min(sizes[i % sizes.length], data.length - off);
                            out.write(data, off, n);
                            off += n;
                        }
                        c.shutdownOutput();
                        return null;
                    });
                    byte[] got = readAll(c.getInputStream(), 3);
                    NetFixture.get(writer);
                    return got;
                }
            }));
            NetFixture.get(server);
            assertArrayEquals(data, back);
        }
    }

    @ParameterizedTest
    @MethodSource("io.weft.net.NetFixture#all")
    void readTimesOutAndTheSocketStaysUsable(NetFixture fixture) throws Exception {
        try (WeftScheduler weft = fixture.start();
             ServerSocket listener = new WeftServerSocket(0, 8, InetAddress.getLoopbackAddress());
             Socket client = new WeftSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket peer = listener.accept()) {
            Object r = NetFixture.get(fixture.run(weft, () -> {
                client.setSoTimeout(100);
                try {
                    client.getInputStream().read();
                    return "no timeout";
                } catch (SocketTimeoutException e) {
                    peer.getOutputStream().write(9);
                    return client.getInputStream().read();
                }
            }));
            assertEquals(9, r);
        }
    }

    @ParameterizedTest
    @MethodSource("io.weft.net.NetFixture#all")
    void closeWakesABlockedReaderAndABlockedAccept(NetFixture fixture) throws Exception {
        try (WeftScheduler weft = fixture.start();
             ServerSocket listener = new WeftServerSocket(0, 8, InetAddress.getLoopbackAddress());
             Socket client = new WeftSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket peer = listener.accept()) {
            CountDownLatch reading = new CountDownLatch(2);
            CompletableFuture<Object> reader = fixture.run(weft, () -> {
                reading.countDown();
                return client.getInputStream().read();
            });
            CompletableFuture<Object> acceptor = fixture.run(weft, () -> {
                reading.countDown();
                return listener.accept();
            });
            reading.await();
            Thread.sleep(200); // let both block
            client.close();
            listener.close();
            SocketException e1 = assertThrows(SocketException.class, () -> NetFixture.get(reader));
            assertEquals("Socket closed", e1.getMessage());
            assertInstanceOf(SocketException.class, assertThrows(Exception.class, () -> NetFixture.get(acceptor)));
            assertEquals(-1, peer.getInputStream().read(), "the peer sees the close");
        }
    }

    @ParameterizedTest
    @MethodSource("io.weft.net.NetFixture#all")
    void connectToAPortNobodyListensOnIsRefused(NetFixture fixture) throws Exception {
        KqueueTesting.assumeSocketErrorsSurvive(fixture.backend);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (WeftScheduler weft = fixture.start()) {
            Exception e = assertThrows(Exception.class, () -> NetFixture.get(fixture.run(weft, () -> {
                try (Socket s = new WeftSocket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
                    return s;
                }
            })));
            assertInstanceOf(java.net.ConnectException.class, e);
            assertTrue(e.getMessage().contains("refused"), e.getMessage());
        }
    }

    /**
     * A reader parked for data holds no native buffer. Found by the soak: in readiness mode
     * (and on platform threads) each parked reader held a 16 KiB buffer across its wait, so
     * 5,600 idle connections pinned 87 MiB. Completion mode receives into the carrier's buffer
     * ring, registered once, before the first measurement here.
     */
    @ParameterizedTest
    @MethodSource("io.weft.net.NetFixture#all")
    void parkedReadersPinNoNativeBuffers(NetFixture fixture) throws Exception {
        int readers = 100;
        try (WeftScheduler weft = fixture.start();
             ServerSocket listener = new WeftServerSocket(0, readers, InetAddress.getLoopbackAddress())) {
            List<Socket> clients = new ArrayList<>();
            List<Socket> accepted = new ArrayList<>();
            try {
                for (int i = 0; i < readers; i++) {
                    clients.add(new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
                    accepted.add(listener.accept());
                }
                java.util.Queue<Thread> readerThreads = new java.util.concurrent.ConcurrentLinkedQueue<>();
                List<CompletableFuture<Integer>> reads = new ArrayList<>();
                for (Socket s : accepted) {
                    reads.add(fixture.run(weft, () -> {
                        InputStream in = s.getInputStream();
                        readerThreads.add(Thread.currentThread());
                        return in.read(new byte[8192]); // larger than IoBuffers.SMALL: a 16 KiB buffer
                    }));
                }
                awaitWaiting(readerThreads, readers);
                long parked = inUseNativeBytes();
                for (Socket c : clients) c.getOutputStream().write(1);
                for (CompletableFuture<Integer> r : reads) assertEquals(1, NetFixture.get(r));
                long done = inUseNativeBytes();
                assertTrue(parked - done < readers * 1024L, fixture + ": " + readers + " parked readers held "
                        + (parked - done) + " bytes of native memory more than none");
            } finally {
                for (Socket s : accepted) s.close();
                for (Socket s : clients) s.close();
            }
        }
    }

    /**
     * Waits until {@code count} threads have registered and each is waiting inside its read:
     * a virtual thread parked, a platform thread in {@code BlockingWait}'s poll(2).
     */
    private static void awaitWaiting(java.util.Queue<Thread> threads, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (threads.size() < count || !threads.stream().allMatch(WeftSocketTest::waitingInRead)) {
            assertTrue(System.nanoTime() < deadline, "readers did not all wait within 10 s");
            Thread.sleep(10);
        }
    }

    private static boolean waitingInRead(Thread t) {
        Thread.State state = t.getState();
        if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
            return true;
        }
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().equals("io.weft.scheduler.BlockingWait")) return true;
        }
        return false;
    }

    /** Weft's native memory in use: allocated, minus the buffers idle in the pool. */
    private static long inUseNativeBytes() {
        return io.weft.poller.sys.NativeMemory.liveBytes() - io.weft.poller.sys.IoBuffers.idleBytes();
    }

    static void echo(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[5000];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static byte[] message(int seed) {
        byte[] m = new byte[100 + seed * 37];
        new Random(seed).nextBytes(m);
        return m;
    }

    static byte[] roundTrip(int port, int seed) throws Exception {
        try (Socket c = new WeftSocket(InetAddress.getLoopbackAddress(), port)) {
            byte[] m = message(seed);
            c.getOutputStream().write(m);
            c.shutdownOutput();
            return readAll(c.getInputStream(), 1000);
        }
    }

    static byte[] readAll(InputStream in, int chunk) throws Exception {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[chunk];
        int n;
        while ((n = in.read(buf)) > 0) {
            all.write(buf, 0, n);
        }
        return all.toByteArray();
    }
}
