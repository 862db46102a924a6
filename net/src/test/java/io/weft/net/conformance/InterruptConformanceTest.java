package io.weft.net.conformance;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Interrupting a thread blocked in socket I/O. The JDK: on a virtual thread the socket is
 * closed and the call throws {@code SocketException: Closed by interrupt}; on a platform
 * thread the interrupt does not wake the call at all (it stays blocked until the socket is
 * closed), only the interrupt status is set. Each test expects whichever applies to the row.
 */
@ConformanceSuite
class InterruptConformanceTest {
    /** How long a platform thread must stay blocked after the interrupt to count as not woken. */
    private static final Duration NOT_WOKEN = Duration.ofMillis(500);

    @ConformanceTest
    void interruptOfABlockedRead(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            Forked<String> reader = c.fork("reader", withInterruptStatus(() -> p.clientIn().read()));
            reader.awaitBlocked();
            interruptAndExpect(c, reader, "read()", p.client());
            c.expect("socket closed afterwards", true, p.client()::isClosed);
        });
    }

    @ConformanceTest
    void interruptOfABlockedWrite(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            Forked<String> writer = c.fork("writer",
                    withInterruptStatus(() -> AsyncCloseConformanceTest.fillUntilBlocked(p.clientOut())));
            writer.awaitBlocked();
            interruptAndExpect(c, writer, "write()", p.client());
            c.expect("socket closed afterwards", true, p.client()::isClosed);
        });
    }

    @ConformanceTest
    void interruptOfABlockedAccept(Row row) throws Exception {
        row.run(c -> {
            ServerSocket server = c.listen();
            Forked<String> acceptor = c.fork("acceptor", withInterruptStatus(server::accept));
            acceptor.awaitBlocked();
            interruptAndExpect(c, acceptor, "accept()", server);
            c.expect("server socket closed afterwards", true, server::isClosed);
        });
    }

    @ConformanceTest
    void interruptOfABlockedConnect(Row row) throws Exception {
        row.run(c -> {
            ServerSocket full = FullBacklog.open(c);
            Socket s = c.socket();
            Forked<String> connector = c.fork("connector", withInterruptStatus(() -> {
                s.connect(full.getLocalSocketAddress());
                return s;
            }));
            connector.awaitBlocked();
            interruptAndExpect(c, connector, "connect()", s);
            c.expect("socket closed afterwards", true, s::isClosed);
        });
    }

    /** A read started with the interrupt status already set, and nothing to read. */
    @ConformanceTest
    void readWithTheInterruptStatusAlreadySet(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            p.client().setSoTimeout(300);
            Forked<String> reader = c.fork("reader", withInterruptStatus(() -> {
                Thread.currentThread().interrupt();
                return p.clientIn().read();
            }));
            String expected = c.onVirtualThreads()
                    ? "SocketException: Closed by interrupt, interrupted=true"
                    : "SocketTimeoutException: Read timed out, interrupted=true";
            c.expect("read() with SO_TIMEOUT 300 ms", expected, reader::join);
            c.expect("socket closed afterwards", c.onVirtualThreads(), p.client()::isClosed);
        });
    }

    /** A read started with the interrupt status set, when data is already there: it is read. */
    @ConformanceTest
    void readOfAvailableDataWithTheInterruptStatusSet(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            p.serverOut().write(5);
            c.awaitAvailable(p.clientIn(), 1);
            c.expect("available() before the read", 1, p.clientIn()::available);
            Forked<String> reader = c.fork("reader", withInterruptStatus(() -> {
                Thread.currentThread().interrupt();
                return p.clientIn().read();
            }));
            c.expect("read() of available data", "5, interrupted=true", reader::join);
            c.expect("socket still open", false, p.client()::isClosed);
        });
    }

    /**
     * Interrupts {@code blocked}; on a virtual thread it must end with "Closed by interrupt",
     * on a platform thread it must stay blocked until {@code socket} is closed.
     */
    private static void interruptAndExpect(Conformance c, Forked<String> blocked, String call,
                                           AutoCloseable socket) throws Exception {
        blocked.interrupt();
        if (c.onVirtualThreads()) {
            c.expect(call + " woken by the interrupt", "SocketException: Closed by interrupt, interrupted=true",
                    blocked::join);
        } else {
            c.expect(call + " still blocked " + NOT_WOKEN.toMillis() + " ms after the interrupt", false,
                    () -> blocked.endsWithin(NOT_WOKEN));
            socket.close();
            c.expect(call + " woken by close", "SocketException: Socket closed, interrupted=true", blocked::join);
        }
    }

    /** The call's result or exception, and the thread's interrupt status afterwards, as one string. */
    private static Callable<String> withInterruptStatus(Callable<?> call) {
        return () -> {
            String outcome;
            try {
                outcome = Trace.describe(call.call());
            } catch (Exception e) {
                outcome = Trace.describe(e);
            }
            return outcome + ", interrupted=" + Thread.currentThread().isInterrupted();
        };
    }
}
