package io.weft.net;

import io.weft.poller.Events;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.Sockets;
import io.weft.scheduler.WeftScheduler;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * The {@link SocketImpl} behind {@link WeftSocket} and {@link WeftServerSocket}: a
 * non-blocking TCP descriptor whose waits go through Weft (see {@link Transfers} for the two
 * modes), with the JDK's {@code java.net.Socket} contract: timeouts, shutdown, close from any
 * thread waking blocked threads, interrupts of virtual threads, options.
 *
 * <p>State changes (create, bind, connect, options, shutdown) take {@code stateLock}. What every
 * read and write needs (the descriptor, its {@link Transfers}, the timeout, the shutdown flags) is
 * volatile, so the I/O path takes no monitor; reads and writes are serialised per direction
 * inside {@link Transfers}.
 */
final class WeftSocketImpl extends SocketImpl {
    private final Object stateLock = new Object();
    private final boolean server;
    private volatile SocketFd socket;
    private int family;
    private volatile Transfers transfers;
    private AcceptQueue acceptQueue;
    private final OperationHolder connectOp = new OperationHolder();
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;
    private volatile int timeoutMillis;
    /** {@link WeftSocket#setWriteBehind}; starts as {@link NetMode#writeBehind()}. */
    private volatile boolean writeBehind = NetMode.writeBehind();
    private InputStream in;
    private OutputStream out;

    WeftSocketImpl(boolean server) {
        this.server = server;
    }

    // ---- life cycle -------------------------------------------------------------------

    @Override
    protected void create(boolean stream) throws IOException {
        if (!stream) {
            throw new IOException("Datagram socket creation not supported");
        }
        synchronized (stateLock) {
            if (socket != null) {
                throw new IOException("Already created");
            }
            int fd = Sockets.streamSocket();
            if (server) {
                // As the JDK does: a restarted server must be able to bind while connections
                // of its previous life linger in TIME_WAIT.
                try {
                    Sockets.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1);
                } catch (ErrnoException e) {
                    Libc.close(fd);
                    throw e;
                }
            }
            adopt(fd);
        }
    }

    private void adopt(int fd) throws ErrnoException {
        family = Sockets.family(fd);
        SocketFd s = new SocketFd(fd);
        transfers = new Transfers(s);
        socket = s; // last: whoever sees the descriptor sees its Transfers
        super.fd = new FileDescriptor();
    }

    private SocketFd open() throws SocketException {
        SocketFd s = socket;
        if (s == null) {
            throw new SocketException("Socket not created");
        }
        if (s.isClosed()) {
            throw new SocketException("Socket closed");
        }
        return s;
    }

    @Override
    protected void close() throws IOException {
        SocketFd s;
        synchronized (stateLock) {
            s = socket;
        }
        if (s == null) {
            return;
        }
        s.close(() -> {
            AcceptQueue q = acceptQueue;
            if (q != null) {
                q.close();
            }
            transfers.wakeAll();
            connectOp.cancel();
            WeftScheduler.cancelWaits(s.fd);
        });
    }

    // ---- connecting -------------------------------------------------------------------

    @Override
    protected void connect(String host, int port) throws IOException {
        connect(new InetSocketAddress(host, port), 0);
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        connect(new InetSocketAddress(address, port), 0);
    }

    @Override
    protected void connect(SocketAddress remote, int millis) throws IOException {
        if (!(remote instanceof InetSocketAddress isa)) {
            throw new IOException("Unsupported address type");
        }
        if (isa.isUnresolved()) {
            throw new UnknownHostException(isa.getHostName());
        }
        SocketFd s = open();
        InetAddress target = isa.getAddress().isAnyLocalAddress() ? InetAddress.getLocalHost() : isa.getAddress();
        try {
            Connector.connect(s, family, new InetSocketAddress(target, isa.getPort()), millis, connectOp);
        } catch (java.io.InterruptedIOException e) {
            // java.net.Socket turns an interrupt into "Closed by interrupt" for reads, writes and
            // accepts, but leaves connect to the implementation, as the JDK's own does here.
            Thread t = Thread.currentThread();
            if (t.isVirtual() && t.isInterrupted()) {
                close();
                throw new SocketException("Closed by interrupt");
            }
            throw e;
        }
        synchronized (stateLock) {
            address = target;
            port = isa.getPort();
            localport = Sockets.localAddress(s.fd).getPort();
        }
    }

    // ---- server side ------------------------------------------------------------------

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        synchronized (stateLock) {
            SocketFd s = open();
            if (localport != 0) {
                throw new SocketException("Already bound");
            }
            int r = Sockets.bind(s.fd, family, new InetSocketAddress(host, port));
            if (r < 0) {
                throw bindFailure(r);
            }
            address = host;
            localport = Sockets.localAddress(s.fd).getPort();
        }
    }

    private static SocketException bindFailure(int r) {
        if (r == -Errno.EAFNOSUPPORT) {
            return Connector.familyUnavailable();
        }
        String message = Libc.strerror(-r);
        return r == -Errno.EADDRINUSE || r == -Errno.EACCES ? new BindException(message)
                : new SocketException(message);
    }

    @Override
    protected void listen(int backlog) throws IOException {
        synchronized (stateLock) {
            SocketFd s = open();
            if (localport == 0) {
                throw new SocketException("Not bound");
            }
            int n = backlog < 1 ? 50 : backlog;
            ErrnoException.check("listen", Libc.listen(s.fd, n));
            acceptQueue = new AcceptQueue(n);
        }
    }

    @Override
    protected void accept(SocketImpl si) throws IOException {
        if (!(si instanceof WeftSocketImpl target)) {
            throw new IOException("a WeftServerSocket accepts into a WeftSocket, not " + si.getClass().getName());
        }
        SocketFd s = open();
        AcceptQueue q;
        int timeout;
        synchronized (stateLock) {
            if (localport == 0) {
                throw new SocketException("Not bound");
            }
            q = acceptQueue;
            timeout = timeoutMillis;
        }
        int fd = acceptFd(s, q, timeout);
        InetSocketAddress remote;
        InetSocketAddress local;
        try {
            // Not getpeername: a client that reset the connection before it was accepted still
            // comes out of accept, but getpeername then fails with ENOTCONN, and accept()
            // threw that (found by the soak), ending a typical server's accept loop. The JDK
            // returns the connection with its peer's address, and its first read reports the reset.
            remote = Sockets.acceptedPeerAddress(fd);
            local = Sockets.localAddress(fd);
            target.adoptAccepted(fd, remote, local);
        } catch (IOException | RuntimeException e) {
            // adoptAccepted fails only before the target owns the descriptor: close it here,
            // once (closing the target too would close the number twice, and by then it may
            // belong to another connection).
            Libc.close(fd);
            throw e;
        }
    }

    private static int acceptFd(SocketFd s, AcceptQueue q, int timeoutMillis) throws IOException {
        s.acquire();
        try {
            if (Transfers.completionMode() && q != null) {
                return q.take(s, timeoutMillis * 1_000_000L);
            }
            long deadline = SocketWaits.deadline(timeoutMillis);
            for (;;) {
                int fd = Sockets.acceptNonBlocking(s.fd);
                if (fd >= 0) {
                    return fd;
                }
                if (fd == -Errno.EAGAIN) {
                    SocketWaits.await(s, Events.IN, deadline, "Accept timed out");
                } else if (s.isClosed()) {
                    throw new SocketException("Socket closed");
                } else if (fd == -Errno.ENOBUFS || fd == -Errno.ECANCELED) {
                    Thread.yield(); // short of memory, or a cancel nobody asked for: try again
                } else if (fd != -Errno.EINTR && fd != -Errno.ECONNABORTED) {
                    throw new SocketException(Libc.strerror(-fd) + " (accept)");
                }
            }
        } finally {
            s.release();
        }
    }

    /** Takes over an accepted descriptor; throws only before it owns it (adopt's first step). */
    private void adoptAccepted(int fd, InetSocketAddress remote, InetSocketAddress local) throws IOException {
        synchronized (stateLock) {
            adopt(fd);
            address = remote.getAddress();
            port = remote.getPort();
            localport = local.getPort();
        }
    }

    // ---- streams ----------------------------------------------------------------------

    @Override
    protected InputStream getInputStream() throws IOException {
        synchronized (stateLock) {
            open();
            if (in == null) {
                in = new WeftInputStream(this);
            }
            return in;
        }
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        synchronized (stateLock) {
            open();
            if (out == null) {
                out = new WeftOutputStream(this);
            }
            return out;
        }
    }

    int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0; // even when closed, as the JDK's
        }
        open();
        return transfers.read(b, off, len, timeoutMillis, inputShutdown);
    }

    void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        open();
        // After shutdownOutput the kernel refuses with EPIPE: "Broken pipe", as the JDK reports
        // it; from this call, so not behind.
        if (len > 0) {
            transfers.write(b, off, len, writeBehind && !outputShutdown);
        }
    }

    @Override
    protected int available() throws IOException {
        open();
        return transfers.available(inputShutdown);
    }

    boolean isClosed() {
        SocketFd s = socket;
        return s != null && s.isClosed();
    }

    @Override
    protected void shutdownInput() throws IOException {
        synchronized (stateLock) {
            SocketFd s = open();
            if (!inputShutdown) {
                shutdown(s, Sockets.SHUT_RD);
                inputShutdown = true;
            }
        }
    }

    @Override
    protected void shutdownOutput() throws IOException {
        Transfers t = transfers;
        if (t != null) {
            t.settleWrites(); // a write-behind send goes out before the FIN
        }
        synchronized (stateLock) {
            SocketFd s = open();
            if (!outputShutdown) {
                shutdown(s, Sockets.SHUT_WR);
                outputShutdown = true;
            }
        }
    }

    private static void shutdown(SocketFd s, int how) throws SocketException {
        int r = Libc.shutdown(s.fd, how);
        if (r < 0 && r != -Errno.ENOTCONN) {
            throw new SocketException(Libc.strerror(-r));
        }
    }

    @Override
    protected boolean supportsUrgentData() {
        return false;
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("Urgent data not supported");
    }

    void setWriteBehind(boolean on) {
        writeBehind = on;
    }

    boolean writeBehind() {
        return writeBehind;
    }

    /** Whether a write-behind send is still in flight (for tests). */
    boolean sendBehindPending() {
        Transfers t = transfers;
        return t != null && t.sendBehindPending();
    }

    /** See {@link WeftSocket#receiveQueued()}. */
    int receiveQueued() {
        Transfers t = transfers;
        return t == null ? -1 : t.receiveQueued();
    }

    /** See {@link WeftSocket#receiveStreaming()}. */
    boolean receiveStreaming() {
        Transfers t = transfers;
        return t != null && t.receiveStreaming();
    }

    // ---- options ----------------------------------------------------------------------

    @Override
    public void setOption(int opt, Object value) throws SocketException {
        synchronized (stateLock) {
            SocketFd s = open();
            if (opt == SO_TIMEOUT) {
                int t = SocketOptionCodes.intValue(value, "SO_TIMEOUT");
                if (t < 0) {
                    throw new IllegalArgumentException("timeout < 0");
                }
                timeoutMillis = t;
                return;
            }
            SocketOptionCodes.set(s.fd, family, opt, value);
        }
    }

    @Override
    public Object getOption(int opt) throws SocketException {
        synchronized (stateLock) {
            SocketFd s = open();
            if (opt == SO_TIMEOUT) {
                return timeoutMillis;
            }
            return SocketOptionCodes.get(s.fd, family, opt);
        }
    }

    @Override
    protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
        if (ExtendedOptions.handles(name) && supportedOptions().contains(name)) {
            synchronized (stateLock) {
                ExtendedOptions.set(open().fd, name, value);
            }
            return;
        }
        int code = SocketOptionCodes.codeOf(name, supportedOptions());
        Object legacy = value;
        if (code == SO_LINGER && value instanceof Integer i && i < 0) {
            legacy = Boolean.FALSE;
        }
        if (value == null) {
            throw new IllegalArgumentException("Invalid value 'null'");
        }
        setOption(code, legacy);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> T getOption(SocketOption<T> name) throws IOException {
        if (ExtendedOptions.handles(name) && supportedOptions().contains(name)) {
            synchronized (stateLock) {
                return (T) ExtendedOptions.get(open().fd, name);
            }
        }
        int code = SocketOptionCodes.codeOf(name, supportedOptions());
        Object v = getOption(code);
        if (code == SO_LINGER && v instanceof Boolean) {
            v = -1;
        }
        return (T) v;
    }

    @Override
    protected Set<SocketOption<?>> supportedOptions() {
        return server ? SocketOptionCodes.SERVER_OPTIONS : SocketOptionCodes.CLIENT_OPTIONS;
    }
}
