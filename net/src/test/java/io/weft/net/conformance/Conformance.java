package io.weft.net.conformance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What a test body works with: sockets of the row's flavour, more threads of the row's kind,
 * and the step-by-step assertions that also record the row's outcome ({@link Trace}).
 * Everything made here is closed when the row ends, even if the body failed half way.
 */
final class Conformance implements AutoCloseable {
    static final InetAddress IPV4 = address("127.0.0.1");
    static final InetAddress IPV6 = address("::1");

    private final Row row;
    private final Trace trace;
    private final ThreadSource threads;
    private final SocketStates states = new SocketStates();
    private final List<AutoCloseable> made = new ArrayList<>();

    Conformance(Row row, Trace trace, ThreadSource threads) {
        this.row = row;
        this.trace = trace;
        this.threads = threads;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Row row() {
        return row;
    }

    SocketFlavour sockets() {
        return row.sockets();
    }

    /** Whether the body runs on a virtual thread, where the JDK's interrupt semantics differ. */
    boolean onVirtualThreads() {
        return row.threads().isVirtual();
    }

    // ---- sockets of the row's flavour, closed when the row ends --------------------------

    Socket socket() throws IOException {
        return keep(sockets().socket());
    }

    Socket socket(InetAddress address, int port) throws IOException {
        return keep(sockets().socket(address, port));
    }

    Socket socket(String host, int port) throws IOException {
        return keep(sockets().socket(host, port));
    }

    ServerSocket serverSocket() throws IOException {
        return keep(sockets().serverSocket());
    }

    ServerSocket serverSocket(int port, int backlog, InetAddress bind) throws IOException {
        return keep(sockets().serverSocket(port, backlog, bind));
    }

    /** Keeps {@code socket}, made some other way (a factory), to be closed when the row ends. */
    <T extends AutoCloseable> T closeAtEnd(T socket) {
        return keep(socket);
    }

    /** A server socket listening on 127.0.0.1 on a port the kernel chose, shown as {@code <server>}. */
    ServerSocket listen() throws IOException {
        return listen(IPV4, 50);
    }

    ServerSocket listen(InetAddress bind, int backlog) throws IOException {
        ServerSocket s = serverSocket(0, backlog, bind);
        namePort(s.getLocalPort(), "server");
        return s;
    }

    /** {@code server.accept()}, the accepted socket closed when the row ends. */
    Socket accept(ServerSocket server) throws IOException {
        return keep(server.accept());
    }

    /** A connected pair over 127.0.0.1; the listening socket is closed again. */
    Pair pair() throws IOException {
        return pair(IPV4);
    }

    Pair pair(InetAddress loopback) throws IOException {
        try (ServerSocket listener = listen(loopback, 50)) {
            Socket client = socket(loopback, listener.getLocalPort());
            return new Pair(client, accept(listener));
        }
    }

    /** The socket address nothing listens on but which is held (bound, not listening) until the row ends. */
    InetSocketAddress refusingAddress() throws IOException {
        Socket holder = socket();
        holder.bind(new InetSocketAddress(IPV4, 0));
        namePort(holder.getLocalPort(), "refusing");
        return new InetSocketAddress(IPV4, holder.getLocalPort());
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        synchronized (made) {
            made.add(closeable);
        }
        return closeable;
    }

    /**
     * Waits (up to 5 s) until {@code in.available()} reports {@code n} bytes, so that a step
     * can rely on data having arrived without reading it.
     */
    void awaitAvailable(java.io.InputStream in, int n) throws IOException, InterruptedException {
        long until = System.nanoTime() + 5_000_000_000L;
        while (in.available() < n && System.nanoTime() < until) {
            Thread.sleep(1);
        }
    }

    // ---- threads of the row's kind -------------------------------------------------------

    /** Starts {@code task} on another thread of the row's kind. */
    <T> Forked<T> fork(String name, Callable<T> task) {
        return Forked.start(threads, name, task);
    }

    // ---- steps: assert and record --------------------------------------------------------

    <T> T expect(String step, T expected, Callable<T> action) throws Exception {
        return trace.expect(step, expected, action);
    }

    void expectThrows(String step, Class<? extends Throwable> type, String message, Callable<?> action) {
        trace.expectThrows(step, type, message, action);
    }

    /** A call that must throw {@code type} after waiting out a {@code timeoutMillis} timeout. */
    void expectTimesOut(String step, Class<? extends Throwable> type, String message, long timeoutMillis,
                        Callable<?> action) {
        trace.expectTimesOut(step, type, message, timeoutMillis, action);
    }

    <T> T observe(String step, T value) {
        return trace.observe(step, value);
    }

    /** Asserts and records the whole observable state of {@code s} ({@link SocketStates}). */
    void expectState(String step, Socket s, String expected) throws Exception {
        trace.expect(step + ": state", expected, () -> states.of(s));
    }

    void expectState(String step, ServerSocket s, String expected) throws Exception {
        trace.expect(step + ": state", expected, () -> states.of(s));
    }

    /** Asserts and records a socket address with its port named, e.g. {@code 127.0.0.1:<server>}. */
    void expectAddress(String step, String expected, Callable<SocketAddress> address) throws Exception {
        trace.expect(step, expected, () -> states.of(address.call()));
    }

    /** Shows {@code port} as {@code <name>} in states. */
    void namePort(int port, String name) {
        states.name(port, name);
    }

    /** Closes everything made through this context; wakes any thread still blocked on it. */
    @Override
    public void close() throws Exception {
        List<AutoCloseable> all;
        synchronized (made) {
            all = List.copyOf(made);
        }
        Exception first = null;
        for (AutoCloseable c : all.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        threads.awaitAllEnded(Duration.ofSeconds(5));
        if (first != null) throw first;
    }
}
