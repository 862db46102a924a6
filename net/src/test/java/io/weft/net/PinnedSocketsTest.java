package io.weft.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Pinned;
import io.weft.scheduler.SchedulerConfig;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Weft's sockets used by a virtual thread pinned to its carrier (inside a class initializer), with one carrier: on io_uring in completion mode, and on epoll. The
 * call must complete and the carrier must run other threads afterwards. Before the fix the
 * pinned thread queued its receive (or accept) on the carrier's ring and parked, which parked
 * the carrier, the only thread that may reap that ring: the carrier hung for ever.
 */
@ExtendWith(LeakCheck.class)
class PinnedSocketsTest {
    /** The peer waits this long before it acts: the pinned thread really has to wait. */
    private static final long PEER_DELAY_MS = 200;

    enum Carrier {
        IO_URING_COMPLETION(Backend.IO_URING),
        EPOLL(Backend.EPOLL);

        final Backend backend;

        Carrier(Backend backend) {
            this.backend = backend;
        }

        WeftScheduler start() throws IOException {
            NetMode.set(NetMode.COMPLETION); // what a Weft thread on io_uring uses; epoll is always readiness
            return WeftScheduler.start(new SchedulerConfig(1, 4096, 32, 2000,
                    io.weft.poller.PollerConfig.defaults().withBackend(backend)));
        }
    }

    @AfterAll
    static void resetMode() {
        NetMode.set(NetMode.COMPLETION);
    }

    @ParameterizedTest
    @EnumSource(Carrier.class)
    void aReadInAClassInitializerCompletes(Carrier carrier) throws Exception {
        try (WeftScheduler weft = carrier.start();
             ServerSocket peer = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> peerSaw = talkLater(peer);
            String got = onWeft(weft, "a socket read in a class initializer",
                    () -> Pinned.inClassInitializer(() -> exchange(peer.getLocalPort())));
            assertEquals("hello", got);
            assertEquals("thanks", peerSaw.get(5, TimeUnit.SECONDS));
            assertCarrierRunsOthers(weft);
        }
    }

    @ParameterizedTest
    @EnumSource(Carrier.class)
    void anAcceptInAClassInitializerCompletes(Carrier carrier) throws Exception {
        try (WeftScheduler weft = carrier.start();
             ServerSocket listener = new WeftServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                sleepQuietly(PEER_DELAY_MS);
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                    s.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().read(); // until the acceptor closes
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            String got = onWeft(weft, "an accept in a class initializer", () -> Pinned.inClassInitializer(() -> {
                try (Socket s = listener.accept()) {
                    return readAll(s.getInputStream(), 2);
                }
            }));
            assertEquals("hi", got);
            assertCarrierRunsOthers(weft);
        }
    }

    /** Connects, reads the peer's "hello" (sent after a pause), answers "thanks": all pinned. */
    private static String exchange(int port) throws IOException {
        try (Socket s = new WeftSocket(InetAddress.getLoopbackAddress(), port)) {
            String got = readAll(s.getInputStream(), 5);
            s.getOutputStream().write("thanks".getBytes(StandardCharsets.US_ASCII));
            return got;
        }
    }

    /** A platform-thread peer: accepts, waits, sends "hello", returns what comes back. */
    private static CompletableFuture<String> talkLater(ServerSocket peer) {
        CompletableFuture<String> saw = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (Socket s = peer.accept()) {
                sleepQuietly(PEER_DELAY_MS);
                s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                saw.complete(readAll(s.getInputStream(), 6));
            } catch (Throwable t) {
                saw.completeExceptionally(t);
            }
        });
        return saw;
    }

    private static String readAll(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code body} on a Weft virtual thread; fails, rather than hanging the build, after 10 s. */
    private static <T> T onWeft(WeftScheduler weft, String what, Callable<T> body) throws Exception {
        return Pinned.runOn(weft::startVirtualThread, what, body, weft::stats);
    }

    /** An ordinary virtual thread on the same (only) carrier then does a socket exchange. */
    private static void assertCarrierRunsOthers(WeftScheduler weft) throws Exception {
        try (ServerSocket peer = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> peerSaw = talkLater(peer);
            assertEquals("hello", onWeft(weft, "an ordinary thread after the pinned one", () -> exchange(peer.getLocalPort())));
            assertEquals("thanks", peerSaw.get(5, TimeUnit.SECONDS));
        }
    }
}
