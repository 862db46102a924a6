package io.weft.agent.apps.net;

import static io.weft.agent.apps.net.Bytes.LOOPBACK;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** UDP over loopback: a blocking receive that waits for its datagram, and one that times out. */
final class DatagramScenarios {
    private DatagramScenarios() {}

    static void addTo(Map<String, Scenario> all) {
        all.put("datagram-channel-receive", DatagramScenarios::channelReceive);
        all.put("datagram-socket-receive", DatagramScenarios::socketReceive);
        all.put("datagram-socket-timeout", DatagramScenarios::socketTimeout);
    }

    static String channelReceive() throws Exception {
        try (DatagramChannel rx = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
             DatagramChannel tx = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
            Background<String> receiver = Background.start(() -> {
                ByteBuffer b = ByteBuffer.allocate(100);
                SocketAddress from = rx.receive(b);
                b.flip();
                return "'" + StandardCharsets.UTF_8.decode(b) + "' from "
                        + (from.equals(tx.getLocalAddress()) ? "the sender" : from);
            }).awaitBlocked();
            tx.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)), rx.getLocalAddress());
            return "received " + receiver.get();
        }
    }

    /** java.net.DatagramSocket (built on DatagramChannel since JDK 15). */
    static String socketReceive() throws Exception {
        try (DatagramSocket rx = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             DatagramSocket tx = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            Background<String> receiver = Background.start(() -> {
                DatagramPacket p = new DatagramPacket(new byte[100], 100);
                rx.receive(p);
                return "'" + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8) + "' from "
                        + (p.getSocketAddress().equals(tx.getLocalSocketAddress()) ? "the sender" : p.getSocketAddress());
            }).awaitBlocked();
            byte[] pong = "pong".getBytes(StandardCharsets.UTF_8);
            tx.send(new DatagramPacket(pong, pong.length, rx.getLocalSocketAddress()));
            return "received " + receiver.get();
        }
    }

    static String socketTimeout() throws Exception {
        try (DatagramSocket rx = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            rx.setSoTimeout(150);
            long t0 = System.nanoTime();
            try {
                rx.receive(new DatagramPacket(new byte[100], 100));
                return "received?";
            } catch (SocketTimeoutException e) {
                return Outcome.of(e) + " " + Outcome.atLeast(t0, 150);
            }
        }
    }
}
