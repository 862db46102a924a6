package io.weft.net.conformance;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A socket's observable state in one line, e.g.
 * {@code connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>}, so a
 * test can assert all of it at once after each step. Ports the kernel chose differ from run
 * to run, so they are shown by the names the test gave them ({@code <server>}), as
 * {@code <ephemeral>} for any other port the kernel assigned, and as numbers only for the
 * sentinels 0 and -1.
 */
final class SocketStates {
    private final Map<Integer, String> portNames = new ConcurrentHashMap<>();

    void name(int port, String name) {
        portNames.put(port, "<" + name + ">");
    }

    /** isConnected, isBound, isClosed, isInputShutdown, isOutputShutdown, getInetAddress:getPort, getLocalAddress:getLocalPort. */
    String of(Socket s) {
        StringJoiner j = new StringJoiner(" ");
        j.add(s.isConnected() ? "connected" : "unconnected");
        j.add(s.isBound() ? "bound" : "unbound");
        j.add(s.isClosed() ? "closed" : "open");
        if (s.isInputShutdown()) j.add("input-shutdown");
        if (s.isOutputShutdown()) j.add("output-shutdown");
        j.add("remote=" + address(s.getInetAddress()) + ":" + port(s.getPort()));
        j.add("local=" + address(s.getLocalAddress()) + ":" + port(s.getLocalPort()));
        return j.toString();
    }

    /** isBound, isClosed, getInetAddress:getLocalPort. */
    String of(ServerSocket s) {
        StringJoiner j = new StringJoiner(" ");
        j.add(s.isBound() ? "bound" : "unbound");
        j.add(s.isClosed() ? "closed" : "open");
        j.add("local=" + address(s.getInetAddress()) + ":" + port(s.getLocalPort()));
        return j.toString();
    }

    /** {@code 127.0.0.1:<server>}, or {@code null}. */
    String of(SocketAddress address) {
        if (address == null) return "null";
        InetSocketAddress a = (InetSocketAddress) address;
        return address(a.getAddress()) + ":" + port(a.getPort());
    }

    private String port(int port) {
        String name = portNames.get(port);
        if (name != null) return name;
        return port > 0 ? "<ephemeral>" : String.valueOf(port);
    }

    private static String address(InetAddress a) {
        return a == null ? "null" : a.getHostAddress();
    }
}
