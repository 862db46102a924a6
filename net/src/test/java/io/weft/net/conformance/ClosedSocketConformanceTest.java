package io.weft.net.conformance;

import io.weft.poller.testkit.KqueueTesting;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;

/** Reading and writing after close, the streams of closed and unconnected sockets. */
@ConformanceSuite
class ClosedSocketConformanceTest {

    @ConformanceTest
    void readAndWriteAfterClose(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            InputStream in = p.clientIn();
            OutputStream out = p.clientOut();
            p.client().close();
            c.expectThrows("read()", SocketException.class, "Socket closed", in::read);
            c.expectThrows("read(byte[])", SocketException.class, "Socket closed", () -> in.read(new byte[4]));
            c.expectThrows("write(int)", SocketException.class, "Socket closed", () -> {
                out.write(1);
                return null;
            });
            c.expectThrows("write(byte[])", SocketException.class, "Socket closed", () -> {
                out.write(new byte[4]);
                return null;
            });
            c.expectThrows("getInputStream()", SocketException.class, "Socket is closed", p.client()::getInputStream);
            c.expectThrows("getOutputStream()", SocketException.class, "Socket is closed", p.client()::getOutputStream);
            c.expect("closing the streams after the socket", "closed", () -> {
                in.close();
                out.close();
                return "closed";
            });
            c.expectState("after close", p.client(),
                    "connected bound closed remote=127.0.0.1:<server> local=0.0.0.0:<ephemeral>");
        });
    }

    /** InputStream's contract: a zero-length read returns 0 before anything else is looked at. */
    @ConformanceTest
    void zeroLengthReadAfterClose(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            InputStream in = p.clientIn();
            p.client().close();
            c.expect("read(byte[], 0, 0)", 0, () -> in.read(new byte[4], 0, 0));
            c.expect("read(new byte[0])", 0, () -> in.read(new byte[0]));
        });
    }

    @ConformanceTest
    void closingAStreamClosesTheSocket(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            p.clientIn().close();
            c.expect("isClosed() after closing the input stream", true, p.client()::isClosed);
            p.serverOut().close();
            c.expect("isClosed() after closing the output stream", true, p.server()::isClosed);
        });
    }

    @ConformanceTest
    void unconnectedSocketsHaveNoStreams(Row row) throws Exception {
        row.run(c -> {
            Socket s = c.socket();
            c.expectThrows("getInputStream()", SocketException.class, "Socket is not connected", s::getInputStream);
            c.expectThrows("getOutputStream()", SocketException.class, "Socket is not connected", s::getOutputStream);
            s.close();
            c.expectThrows("getInputStream() after close", SocketException.class, "Socket is closed", s::getInputStream);
            c.expectState("closed without connecting", s, "unconnected unbound closed remote=null:0 local=0.0.0.0:-1");
        });
    }

    @ConformanceTest
    void closedServerSocket(Row row) throws Exception {
        KqueueTesting.assumeSocketErrorsSurvive(row.threads().weftBackend());
        row.run(c -> {
            var server = c.listen();
            server.close();
            c.expectThrows("accept()", SocketException.class, "Socket is closed", server::accept);
            c.expectThrows("bind()", SocketException.class, "Socket is closed", () -> {
                server.bind(null);
                return null;
            });
            c.expectThrows("setSoTimeout()", SocketException.class, "Socket is closed", () -> {
                server.setSoTimeout(10);
                return null;
            });
            c.expectState("after close", server, "bound closed local=127.0.0.1:<server>");
            c.expectThrows("connect to the closed listener", java.net.ConnectException.class, "Connection refused",
                    () -> c.socket(Conformance.IPV4, server.getLocalPort()));
        });
    }
}
