package io.weft.net.conformance;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;

/** shutdownInput and shutdownOutput: end of stream on each side, half-closed connections. */
@ConformanceSuite
class ShutdownConformanceTest {

    @ConformanceTest
    void shutdownInputMakesReadsReturnEndOfStream(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            InputStream in = p.clientIn();
            p.client().shutdownInput();
            c.expect("read()", -1, in::read);
            c.expect("read(byte[])", -1, () -> in.read(new byte[8]));
            c.expect("read() again", -1, in::read);
            c.expect("available()", 0, in::available);
            c.expectThrows("getInputStream()", SocketException.class, "Socket input is shutdown", p.client()::getInputStream);
            c.expectThrows("shutdownInput() again", SocketException.class, "Socket input is already shutdown", () -> {
                p.client().shutdownInput();
                return null;
            });
            c.expectState("after shutdownInput", p.client(),
                    "connected bound open input-shutdown remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");
            // The other direction still works.
            p.clientOut().write(7);
            c.expect("peer reads what was written after shutdownInput", 7, () -> p.serverIn().read());
        });
    }

    @ConformanceTest
    void shutdownOutputSendsEndOfStreamToThePeer(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            OutputStream out = p.clientOut();
            out.write(new byte[] {1, 2});
            p.client().shutdownOutput();
            InputStream peer = p.serverIn();
            c.expect("peer reads what came before", 2, () -> peer.readNBytes(2).length);
            c.expect("peer reads end of stream", -1, peer::read);
            c.expect("peer reads end of stream again", -1, peer::read);
            // A stream obtained before the shutdown reaches the kernel, which answers EPIPE.
            c.expectThrows("write(int) after shutdownOutput", SocketException.class, "Broken pipe", () -> {
                out.write(3);
                return null;
            });
            c.expectThrows("write(byte[]) after shutdownOutput", SocketException.class, "Broken pipe", () -> {
                out.write(new byte[4]);
                return null;
            });
            c.expectThrows("getOutputStream()", SocketException.class, "Socket output is shutdown", p.client()::getOutputStream);
            c.expectThrows("shutdownOutput() again", SocketException.class, "Socket output is already shutdown", () -> {
                p.client().shutdownOutput();
                return null;
            });
            // Half-closed: the peer can still send.
            p.serverOut().write(new byte[] {9, 8});
            c.expect("the half-closed side still reads", 2, () -> p.clientIn().readNBytes(2).length);
            c.expectState("after shutdownOutput", p.client(),
                    "connected bound open output-shutdown remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");
            c.expectState("the peer", p.server(),
                    "connected bound open remote=127.0.0.1:<ephemeral> local=127.0.0.1:<server>");
        });
    }

    @ConformanceTest
    void shutdownOfAnUnconnectedOrClosedSocket(Row row) throws Exception {
        row.run(c -> {
            var s = c.socket();
            c.expectThrows("shutdownInput() unconnected", SocketException.class, "Socket is not connected", () -> {
                s.shutdownInput();
                return null;
            });
            c.expectThrows("shutdownOutput() unconnected", SocketException.class, "Socket is not connected", () -> {
                s.shutdownOutput();
                return null;
            });
            Pair p = c.pair();
            p.client().close();
            c.expectThrows("shutdownInput() closed", SocketException.class, "Socket is closed", () -> {
                p.client().shutdownInput();
                return null;
            });
            c.expectThrows("shutdownOutput() closed", SocketException.class, "Socket is closed", () -> {
                p.client().shutdownOutput();
                return null;
            });
        });
    }
}
