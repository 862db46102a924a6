package io.weft.net.conformance;

import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/** close() from another thread wakes a thread blocked in read, write or accept. */
@ConformanceSuite
class AsyncCloseConformanceTest {

    @ConformanceTest
    void closeWakesABlockedReader(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            Forked<Integer> reader = c.fork("reader", () -> p.clientIn().read());
            reader.awaitBlocked();
            p.client().close();
            c.expectThrows("blocked read()", SocketException.class, "Socket closed", reader::join);
            c.expectState("after close", p.client(),
                    "connected bound closed remote=127.0.0.1:<server> local=0.0.0.0:<ephemeral>");
            c.expect("peer reads end of stream", -1, () -> p.serverIn().read());
        });
    }

    @ConformanceTest
    void closeWakesABlockedTimedReader(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            p.client().setSoTimeout(10_000);
            Forked<Integer> reader = c.fork("reader", () -> p.clientIn().read(new byte[8]));
            reader.awaitBlocked();
            p.client().close();
            c.expectThrows("blocked read(byte[]) with SO_TIMEOUT", SocketException.class, "Socket closed", reader::join);
        });
    }

    @ConformanceTest
    void closeWakesABlockedWriter(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            Forked<Void> writer = c.fork("writer", () -> fillUntilBlocked(p.clientOut()));
            writer.awaitBlocked();
            p.client().close();
            c.expectThrows("blocked write()", SocketException.class, "Socket closed", writer::join);
            c.expectState("after close", p.client(),
                    "connected bound closed remote=127.0.0.1:<server> local=0.0.0.0:<ephemeral>");
        });
    }

    @ConformanceTest
    void closeWakesABlockedAccept(Row row) throws Exception {
        row.run(c -> {
            ServerSocket server = c.listen();
            Forked<?> acceptor = c.fork("acceptor", server::accept);
            acceptor.awaitBlocked();
            server.close();
            c.expectThrows("blocked accept()", SocketException.class, "Socket closed", acceptor::join);
            c.expectState("after close", server, "bound closed local=127.0.0.1:<server>");
            c.expectThrows("accept() after close", SocketException.class, "Socket is closed", server::accept);
        });
    }

    @ConformanceTest
    void closeWakesABlockedConnect(Row row) throws Exception {
        row.run(c -> {
            ServerSocket full = FullBacklog.open(c);
            Socket s = c.socket();
            Forked<Socket> connector = c.fork("connector", () -> {
                s.connect(full.getLocalSocketAddress());
                return s;
            });
            connector.awaitBlocked();
            s.close();
            c.expectThrows("blocked connect()", SocketException.class, "Socket closed", connector::join);
            c.expectState("after close", s, "unconnected unbound closed remote=null:0 local=0.0.0.0:-1");
        });
    }

    /** Writes 1 MiB chunks until a write blocks: the peer never reads, so the buffers fill. */
    static Void fillUntilBlocked(OutputStream out) throws Exception {
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < 1024; i++) {
            out.write(chunk);
        }
        throw new AssertionError("1 GiB written to a peer that never reads: write never blocked");
    }
}
