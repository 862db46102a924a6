package io.weft.agent.apps.net;

import static io.weft.agent.apps.net.Bytes.LOOPBACK;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;

/**
 * A thread blocked in a read or accept, woken by a close from another thread or by its own
 * interrupt: the exception, the state of the socket or channel after it, the interrupt status.
 */
final class CloseAndInterruptScenarios {
    private CloseAndInterruptScenarios() {}

    static void addTo(Map<String, Scenario> all) {
        all.put("socket-close-wakes-reader", CloseAndInterruptScenarios::socketClose);
        all.put("channel-close-wakes-reader", CloseAndInterruptScenarios::channelClose);
        all.put("server-socket-close-wakes-acceptor", CloseAndInterruptScenarios::serverSocketClose);
        all.put("server-channel-close-wakes-acceptor", CloseAndInterruptScenarios::serverChannelClose);
        all.put("pipe-close-wakes-reader", CloseAndInterruptScenarios::pipeClose);
        all.put("datagram-close-wakes-receiver", CloseAndInterruptScenarios::datagramClose);
        all.put("socket-interrupt", CloseAndInterruptScenarios::socketInterrupt);
        all.put("channel-interrupt", CloseAndInterruptScenarios::channelInterrupt);
        all.put("server-channel-interrupt", CloseAndInterruptScenarios::serverChannelInterrupt);
    }

    /** A connected pair of java.net sockets whose peer never writes. */
    private record SocketPair(ServerSocket listener, Socket client, Socket server) implements AutoCloseable {
        static SocketPair open() throws Exception {
            ServerSocket l = new ServerSocket(0, 50, LOOPBACK);
            Socket c = new Socket(LOOPBACK, l.getLocalPort());
            return new SocketPair(l, c, l.accept());
        }

        @Override
        public void close() throws Exception {
            server.close();
            client.close();
            listener.close();
        }
    }

    private record ChannelPair(ServerSocketChannel listener, SocketChannel client, SocketChannel server)
            implements AutoCloseable {
        static ChannelPair open() throws Exception {
            ServerSocketChannel l = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
            SocketChannel c = SocketChannel.open(l.getLocalAddress());
            return new ChannelPair(l, c, l.accept());
        }

        @Override
        public void close() throws Exception {
            server.close();
            client.close();
            listener.close();
        }
    }

    static String socketClose() throws Exception {
        try (SocketPair p = SocketPair.open()) {
            Background<Integer> reader = Background.start(() -> p.client().getInputStream().read()).awaitBlocked();
            p.client().close();
            return reader.outcome();
        }
    }

    static String channelClose() throws Exception {
        try (ChannelPair p = ChannelPair.open()) {
            Background<Integer> reader = Background.start(() -> p.client().read(ByteBuffer.allocate(10))).awaitBlocked();
            p.client().close();
            return reader.outcome();
        }
    }

    static String serverSocketClose() throws Exception {
        ServerSocket listener = new ServerSocket(0, 50, LOOPBACK);
        Background<Socket> acceptor = Background.start(listener::accept).awaitBlocked();
        listener.close();
        return acceptor.outcome();
    }

    static String serverChannelClose() throws Exception {
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
        Background<SocketChannel> acceptor = Background.start(listener::accept).awaitBlocked();
        listener.close();
        return acceptor.outcome();
    }

    static String pipeClose() throws Exception {
        Pipe p = Pipe.open();
        try (Pipe.SinkChannel sink = p.sink()) {
            Background<Integer> reader = Background.start(() -> p.source().read(ByteBuffer.allocate(10))).awaitBlocked();
            p.source().close();
            return reader.outcome();
        }
    }

    static String datagramClose() throws Exception {
        DatagramChannel rx = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
        Background<java.net.SocketAddress> receiver = Background.start(() -> rx.receive(ByteBuffer.allocate(10))).awaitBlocked();
        rx.close();
        return receiver.outcome();
    }

    static String socketInterrupt() throws Exception {
        try (SocketPair p = SocketPair.open()) {
            Background<String> reader = Background.start(() -> {
                try {
                    return "read " + p.client().getInputStream().read();
                } catch (java.io.IOException e) {
                    return Outcome.of(e) + "; socket closed " + p.client().isClosed()
                            + "; interrupted " + Thread.currentThread().isInterrupted();
                }
            }).awaitBlocked();
            reader.thread.interrupt();
            return reader.get();
        }
    }

    static String channelInterrupt() throws Exception {
        try (ChannelPair p = ChannelPair.open()) {
            Background<String> reader = Background.start(() -> {
                try {
                    return "read " + p.client().read(ByteBuffer.allocate(10));
                } catch (java.io.IOException e) {
                    return Outcome.of(e) + "; channel open " + p.client().isOpen()
                            + "; interrupted " + Thread.currentThread().isInterrupted();
                }
            }).awaitBlocked();
            reader.thread.interrupt();
            return reader.get();
        }
    }

    static String serverChannelInterrupt() throws Exception {
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
        Background<String> acceptor = Background.start(() -> {
            try {
                return "accepted " + listener.accept();
            } catch (java.io.IOException e) {
                return Outcome.of(e) + "; channel open " + listener.isOpen()
                        + "; interrupted " + Thread.currentThread().isInterrupted();
            }
        }).awaitBlocked();
        acceptor.thread.interrupt();
        return acceptor.get();
    }
}
