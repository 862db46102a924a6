package io.weft.agent.apps.net;

import static io.weft.agent.apps.net.Bytes.BIG;
import static io.weft.agent.apps.net.Bytes.LOOPBACK;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;

/** Bytes through java.net sockets, blocking NIO socket channels and pipes: every wait a read or a write can make. */
final class StreamScenarios {
    private StreamScenarios() {}

    static void addTo(Map<String, Scenario> all) {
        all.put("socket-echo", StreamScenarios::socketEcho);
        all.put("channel-echo", StreamScenarios::channelEcho);
        all.put("pipe", StreamScenarios::pipe);
        all.put("socket-connect-refused", StreamScenarios::connectRefused);
        all.put("socket-read-in-class-initializer", StreamScenarios::readInClassInitializer);
    }

    /** The socket {@link ReadsInItsInitializer} reads from (not a field of its own: setting that would initialize it). */
    private static volatile Socket pinnedReader;

    /**
     * A read in a class initializer, where the virtual thread is pinned (cannot unmount), whose
     * peer writes after 200 ms. Through Weft, its wait must not be armed on its own carrier's
     * poller: its park would park that carrier, which alone polls it, for ever.
     */
    static String readInClassInitializer() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, LOOPBACK);
             Socket c = new Socket(LOOPBACK, listener.getLocalPort());
             Socket s = listener.accept()) {
            pinnedReader = c;
            Background<Void> peer = Background.start(() -> {
                Thread.sleep(200);
                s.getOutputStream().write(42);
                return null;
            });
            String got = "read " + ReadsInItsInitializer.READ;
            peer.get();
            return got;
        }
    }

    /** Its static initializer reads one byte from {@link #pinnedReader}. */
    private static final class ReadsInItsInitializer {
        static final int READ;

        static {
            try {
                READ = pinnedReader.getInputStream().read();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** ServerSocket/Socket: the acceptor waits, the client's writer and the server's echo block on full buffers. */
    static String socketEcho() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, LOOPBACK)) {
            Background<Void> server = Background.<Void>start(() -> {
                try (Socket s = listener.accept()) {
                    Bytes.echo(s.getInputStream(), s.getOutputStream());
                }
                return null;
            }).awaitBlocked();
            byte[] data = Bytes.pattern(BIG);
            try (Socket c = new Socket(LOOPBACK, listener.getLocalPort())) {
                Background<Void> writer = Background.start(() -> {
                    c.getOutputStream().write(data);
                    c.shutdownOutput();
                    return null;
                });
                byte[] back = c.getInputStream().readAllBytes();
                writer.get();
                server.get();
                return "echoed " + Bytes.compare(data, back);
            }
        }
    }

    /** The same with blocking ServerSocketChannel and SocketChannel. */
    static String channelEcho() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
            Background<Void> server = Background.<Void>start(() -> {
                try (SocketChannel s = listener.accept()) {
                    Bytes.echo(s, s);
                }
                return null;
            }).awaitBlocked();
            byte[] data = Bytes.pattern(BIG);
            try (SocketChannel c = SocketChannel.open(listener.getLocalAddress())) {
                Background<Void> writer = Background.start(() -> {
                    Bytes.writeFully(c, ByteBuffer.wrap(data));
                    c.shutdownOutput();
                    return null;
                });
                byte[] back = Bytes.readAll(c);
                writer.get();
                server.get();
                return "echoed " + Bytes.compare(data, back);
            }
        }
    }

    /** Pipe: the reader blocks before anything is written; the writer then blocks on the pipe's 64 KiB. */
    static String pipe() throws Exception {
        Pipe p = Pipe.open();
        try (Pipe.SourceChannel source = p.source(); Pipe.SinkChannel sink = p.sink()) {
            Background<byte[]> reader = Background.start(() -> {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                all.write(Bytes.readAll(source));
                return all.toByteArray();
            }).awaitBlocked();
            byte[] data = Bytes.pattern(1 << 20);
            Bytes.writeFully(sink, ByteBuffer.wrap(data));
            sink.close();
            return "pipe carried " + Bytes.compare(data, reader.get());
        }
    }

    /** A connect to a port nobody listens on. */
    static String connectRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            port = s.getLocalPort();
        }
        try (Socket c = new Socket()) {
            c.connect(new InetSocketAddress(LOOPBACK, port), 5_000);
            return "connected?";
        } catch (ConnectException e) {
            return Outcome.of(e);
        }
    }
}
