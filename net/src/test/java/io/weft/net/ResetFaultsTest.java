package io.weft.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.poller.faults.FaultOp;
import io.weft.poller.faults.FaultOp.Fault;
import io.weft.poller.faults.FaultSpec;
import io.weft.poller.faults.Faults;
import io.weft.poller.testkit.LeakCheck;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Under {@code -Dweft.faults=recv:ECONNRESET:1,send:ECONNRESET:1} (net's {@code faults-reset}
 * test run), every receive and send of Weft's sockets is answered "connection reset", on each
 * fixture. The application must see what the JDK's own sockets show for a real reset (a peer
 * that closed with {@code SO_LINGER} 0): the same exception, the same message, and reads that
 * go on failing afterwards. Skipped without that spec.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class ResetFaultsTest {
    @BeforeAll
    static void onlyUnderResets() {
        FaultSpec spec = Faults.spec();
        assumeTrue(spec != null
                        && spec.rulesOf(FaultOp.RECV).equals(List.of(new FaultSpec.Rule(FaultOp.RECV, Fault.ECONNRESET, 1)))
                        && spec.rulesOf(FaultOp.SEND).equals(List.of(new FaultSpec.Rule(FaultOp.SEND, Fault.ECONNRESET, 1))),
                "run by net's 'faults-reset' test execution");
    }

    @AfterAll
    static void resetMode() {
        NetFixture.reset();
    }

    @ParameterizedTest
    @MethodSource("io.weft.net.NetFixture#all")
    void aResetReachesTheReaderAsTheJdkReportsARealOne(NetFixture fixture) throws Exception {
        List<String> jdk = jdkAfterRealReset(false);
        try (WeftScheduler weft = fixture.start();
             ServerSocket listener = new WeftServerSocket(0, 8, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            client.getOutputStream().write(1); // data waiting: only the injected reset stops the read
            List<String> weftSide = NetFixture.get(fixture.run(weft, () -> {
                try (Socket s = listener.accept()) {
                    return List.of(failure(() -> s.getInputStream().read()), failure(() -> s.getInputStream().read()));
                }
            }));
            assertEquals(jdk, weftSide);
        }
    }

    @ParameterizedTest
    @MethodSource("io.weft.net.NetFixture#all")
    void aResetReachesTheWriterAsTheJdkReportsARealOne(NetFixture fixture) throws Exception {
        List<String> jdk = jdkAfterRealReset(true);
        try (WeftScheduler weft = fixture.start();
             ServerSocket listener = new WeftServerSocket(0, 8, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            String weftSide = NetFixture.get(fixture.run(weft, () -> {
                try (Socket s = listener.accept()) {
                    return failure(() -> {
                        // Two writes: with write-behind the first returns once queued, and
                        // its send's failure comes from the second (the JDK's own first write
                        // may be accepted locally too: see below).
                        s.getOutputStream().write(new byte[100]);
                        s.getOutputStream().write(new byte[100]);
                        return null;
                    });
                }
            }));
            assertEquals(jdk.get(0), weftSide);
        }
    }

    /**
     * The JDK's sockets, on a platform thread, after the peer reset the connection: the
     * failures of two reads, or of the first write that fails.
     */
    private static List<String> jdkAfterRealReset(boolean write) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket s = listener.accept()) {
            client.setSoLinger(true, 0);
            client.close(); // RST
            Thread.sleep(100);
            if (write) {
                return List.of(failure(() -> {
                    for (int i = 0; i < 100; i++) { // the first write may still be accepted locally
                        s.getOutputStream().write(new byte[100]);
                        Thread.sleep(10);
                    }
                    return null;
                }));
            }
            return List.of(failure(() -> s.getInputStream().read()), failure(() -> s.getInputStream().read()));
        }
    }

    private interface Call {
        Object call() throws Exception;
    }

    private static String failure(Call call) {
        Exception e = assertThrows(IOException.class, call::call);
        if (!(e instanceof SocketException)) {
            return "not a SocketException: " + e;
        }
        return e.getClass().getName() + ": " + e.getMessage();
    }
}
