package io.weft.net.conformance;

import io.weft.poller.testkit.KqueueTesting;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;

/** What a reader sees when the peer closes (end of stream), resets (SO_LINGER 0), or has sent data (available). */
@ConformanceSuite
class EndOfStreamConformanceTest {

    @ConformanceTest
    void readReturnsMinusOneAfterThePeerCloses(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            p.serverOut().write(new byte[] {1, 2, 3});
            p.server().close();
            InputStream in = p.clientIn();
            byte[] buf = new byte[10];
            c.expect("read the 3 bytes sent before close", 3, () -> in.readNBytes(buf, 0, 3));
            c.expect("read(byte[]) at end of stream", -1, () -> in.read(buf));
            c.expect("read() at end of stream", -1, in::read);
            c.expect("read() at end of stream again", -1, in::read);
            c.expect("available() at end of stream", 0, in::available);
            c.expectState("the reader", p.client(),
                    "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");
        });
    }

    @ConformanceTest
    void blockedReadWokenByThePeerClosing(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            Forked<Integer> reader = c.fork("reader", () -> p.clientIn().read(new byte[10]));
            reader.awaitBlocked();
            p.server().close();
            c.expect("blocked read(byte[])", -1, reader::join);
        });
    }

    @ConformanceTest
    void connectionResetWhenThePeerClosesWithLingerZero(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            p.server().setSoLinger(true, 0);
            p.server().close(); // sends RST
            InputStream in = p.clientIn();
            c.expectThrows("read()", SocketException.class, "Connection reset", in::read);
            c.expectThrows("read() again", SocketException.class, "Connection reset", in::read);
            c.expectThrows("read(byte[]) again", SocketException.class, "Connection reset", () -> in.read(new byte[4]));
            c.expectState("after the reset", p.client(),
                    "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");
            // "Broken pipe" or "Connection reset by peer" depending on what the kernel has seen: class only.
            c.expectThrows("write() after the reset", SocketException.class, null, () -> {
                OutputStream out = p.clientOut();
                for (int i = 0; i < 100; i++) out.write(new byte[1024]);
                return null;
            });
        });
    }

    @ConformanceTest
    void blockedReadWokenByAReset(Row row) throws Exception {
        KqueueTesting.assumeSocketErrorsSurvive(row.threads().weftBackend());
        row.run(c -> {
            Pair p = c.pair();
            Forked<Integer> reader = c.fork("reader", () -> p.clientIn().read());
            reader.awaitBlocked();
            p.server().setSoLinger(true, 0);
            p.server().close();
            c.expectThrows("blocked read()", SocketException.class, "Connection reset", reader::join);
        });
    }

    @ConformanceTest
    void availableCountsWhatCanBeReadWithoutBlocking(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            InputStream in = p.clientIn();
            c.expect("available() with nothing sent", 0, in::available);
            p.serverOut().write(new byte[100]);
            c.expect("read() once the 100 bytes arrive", 0, in::read);
            c.awaitAvailable(in, 99);
            c.expect("available() after reading 1 of 100", 99, in::available);
            c.expect("read(byte[50])", 50, () -> in.read(new byte[50]));
            c.expect("available() after reading 51", 49, in::available);
            c.expect("read the rest", 49, () -> in.read(new byte[100]));
            c.expect("available() with everything read", 0, in::available);
            p.server().shutdownOutput();
            c.expect("read() at end of stream", -1, in::read);
            c.expect("available() at end of stream", 0, in::available);
            p.client().close();
            c.expectThrows("available() after close", SocketException.class, "Socket closed", in::available);
        });
    }
}
