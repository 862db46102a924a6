package io.weft.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.poller.faults.Faults;
import io.weft.poller.testkit.LeakCheck;
import io.weft.scheduler.WeftScheduler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Under the transparent faults of net's {@code faults} test run ({@code -Dweft.faults=...} in
 * net/pom.xml: EAGAIN, EINTR, ENOBUFS, spurious ECANCELED and short transfers on every socket
 * operation, EINTR on every wait), on each fixture: bytes arrive intact and connections are
 * made and accepted, as if nothing had failed. Each test also checks that the faults it is
 * about were really injected while it ran. Skipped in a JVM without {@code weft.faults}.
 */
@ExtendWith(LeakCheck.class)
@Timeout(120)
class TransparentFaultsTest {
    @BeforeAll
    static void onlyUnderFaults() {
        assumeTrue(Faults.ENABLED && !Faults.spec().toString().contains("ECONNRESET"),
                "run by net's 'faults' test execution, with transparent faults only");
    }

    /** poll:ECANCELED injected into Weft's readiness waits, over the class (a few per test: too few to ask of each). */
    private static long cancelledWaits;

    private static void countCancelledWaits(NetFixture fixture, Map<String, Long> injected) {
        // Weft's readiness waits; platform threads wait in poll(2), which has no such answer.
        if (fixture.backend != null && fixture.mode == NetMode.READINESS) {
            cancelledWaits += injected.getOrDefault("poll:ECANCELED", 0L);
        }
    }

    @AfterAll
    static void resetModeAndCheckCancelledWaits() {
        NetFixture.reset();
        assertTrue(cancelledWaits > 0, "no readiness wait was cancelled (poll:ECANCELED) in the readiness fixtures");
    }

    /** 4 MiB each way (enough calls that every fault asserted below is drawn), in writes and reads of random sizes with SO_TIMEOUT, checked byte for byte. */
    @ParameterizedTest
    @MethodSource("io.weft.net.NetFixture#all")
    void megabytesEchoIntactUnderShortTransfersAndRetriedFailures(NetFixture fixture) throws Exception {
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(8).nextBytes(data);
        Map<String, Long> before = Faults.injected();
        try (WeftScheduler weft = fixture.start();
             ServerSocket listener = new WeftServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> echo = fixture.run(weft, () -> {
                try (Socket s = listener.accept()) {
                    // Every read then carries a timeout (a linked one on io_uring), which a
                    // spurious ECANCELED must not be taken for.
                    s.setSoTimeout(10_000);
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    byte[] buf = new byte[40_000];
                    Random sizes = new Random(1);
                    int total = 0;
                    int n;
                    while ((n = in.read(buf, 0, 1 + sizes.nextInt(buf.length))) > 0) {
                        out.write(buf, 0, n);
                        total += n;
                    }
                    s.shutdownOutput();
                    return total;
                }
            });
            CompletableFuture<byte[]> client = fixture.run(weft, () -> {
                try (Socket s = new WeftSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                    s.setSoTimeout(10_000);
                    CompletableFuture<byte[]> back = fixture.run(weft, () -> s.getInputStream().readAllBytes());
                    OutputStream out = s.getOutputStream();
                    Random sizes = new Random(2);
                    for (int off = 0; off < data.length; ) {
                        int n = Math.min(data.length - off, 1 + sizes.nextInt(70_000));
                        out.write(data, off, n);
                        off += n;
                    }
                    s.shutdownOutput();
                    return NetFixture.get(back);
                }
            });
            // The echo first: when a fault breaks it, its exception is the cause, the client's the effect.
            assertEquals(data.length, NetFixture.get(echo));
            assertArrayEquals(data, NetFixture.get(client));
        }
        Map<String, Long> injected = delta(before, Faults.injected());
        System.out.println(fixture + ": 4 MiB echoed under " + injected); // in the surefire report
        for (String fault : List.of("recv:EAGAIN", "recv:EINTR", "recv:ECANCELED", "recv:ENOBUFS", "recv:short",
                "send:EINTR", "send:short")) {
            assertTrue(injected.getOrDefault(fault, 0L) > 0, fault + " was not injected: " + injected);
        }
        countCancelledWaits(fixture, injected);
    }

    /** 100 connections through one listener, each with a round trip. */
    @ParameterizedTest
    @MethodSource("io.weft.net.NetFixture#all")
    void connectionsAreMadeAndAcceptedUnderFailingConnectsAndAccepts(NetFixture fixture) throws Exception {
        int clients = 100;
        Map<String, Long> before = Faults.injected();
        try (WeftScheduler weft = fixture.start();
             ServerSocket listener = new WeftServerSocket(0, 128, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> server = fixture.run(weft, () -> {
                for (int i = 0; i < clients; i++) {
                    try (Socket s = listener.accept()) {
                        int b = s.getInputStream().read();
                        s.getOutputStream().write(b + 1);
                    }
                }
                return clients;
            });
            List<CompletableFuture<Integer>> replies = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int value = i;
                replies.add(fixture.run(weft, () -> {
                    try (Socket s = new WeftSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                        s.getOutputStream().write(value);
                        return s.getInputStream().read();
                    }
                }));
            }
            for (int i = 0; i < clients; i++) {
                assertEquals(i + 1, NetFixture.get(replies.get(i)), "client " + i);
            }
            assertEquals(clients, NetFixture.get(server));
        }
        Map<String, Long> injected = delta(before, Faults.injected());
        System.out.println(fixture + ": " + clients + " connections under " + injected);
        countCancelledWaits(fixture, injected);
        assertTrue(injected.keySet().stream().anyMatch(k -> k.startsWith("connect:")), "no connect fault: " + injected);
        if (fixture.mode == NetMode.READINESS || fixture.backend == null) {
            // One accept4 per connection; in completion mode one multishot ACCEPT serves them all.
            assertTrue(injected.keySet().stream().anyMatch(k -> k.startsWith("accept:")), "no accept fault: " + injected);
        }
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new java.util.TreeMap<>();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n > 0) d.put(k, n);
        });
        return d;
    }
}
