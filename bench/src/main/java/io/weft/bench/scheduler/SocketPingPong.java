package io.weft.bench.scheduler;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.NativeMemory;
import io.weft.poller.sys.Sockets;
import io.weft.scheduler.WeftScheduler;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Loopback TCP ping-pong: a client virtual thread and a server virtual thread of the scheduler
 * under test exchange {@code size}-byte messages over one 127.0.0.1 connection. Time per round
 * trip.
 *
 * <p>One round trip: the client writes a message carrying its sequence number and reads the
 * echo in full; the server reads the message in full and writes it back. Each read that finds
 * nothing parks its thread until the socket is readable, through the scheduler under test's
 * poller. The client checks every echoed sequence number. The client is the {@link Driver}'s
 * virtual thread ({@link #ROUND_TRIPS} round trips per invocation), the server a second
 * virtual thread of the same scheduler.
 *
 * <ul>
 *   <li>{@link #jdk}: the baseline. {@link Socket}s on the JDK's default scheduler with
 *       parallelism {@code carriers}: {@code OutputStream.write}, {@code InputStream.read}; a read
 *       that would block parks the virtual thread in the JDK's own poller (on Linux, epoll
 *       sub-pollers running as virtual threads plus a master poller platform thread).</li>
 *   <li>{@link #ioUring}, {@link #epoll}: raw non-blocking descriptors, {@code read(2)}/
 *       {@code write(2)} through weft's FFM bindings on preallocated native buffers, and
 *       {@link WeftScheduler#awaitReadable} (or {@code awaitWritable}) on {@code EAGAIN}: a
 *       one-shot wait armed on the current carrier's poller, on a Weft scheduler with
 *       {@code carriers} carriers.</li>
 * </ul>
 * Same for all: one connection set up before the measurement, {@code TCP_NODELAY} on both
 * ends, the same message size, both ends on virtual threads of the scheduler measured. What
 * differs beyond the scheduler and its poller is what each side's API costs: the JDK copies the
 * {@code byte[]} through a cached direct buffer and takes the socket's locks, Weft passes native
 * memory straight to the kernel. At 64 bytes both are small next to the system calls and the
 * thread switches.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(SocketPingPong.ROUND_TRIPS)
// Prepend, not append: -jvmArgsAppend on the command line (for -D or -XX flags) replaces the
// annotation's append list, and without these two Weft cannot start.
@Fork(value = 1, jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SocketPingPong {
    /** Round trips per invocation. */
    static final int ROUND_TRIPS = 500;

    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;

    /** Carrier threads: Weft's carriers, or the JDK default scheduler's parallelism. */
    @Param({"1", "2"})
    public int carriers;

    /** Bytes per message, each way; at least 8 (the sequence number). */
    @Param({"64"})
    public int size;

    /** One connected pair of sockets: the client end and the server end. */
    interface Connection extends AutoCloseable {
        /** Client: sends message {@code seq}, reads the whole echo, checks it. */
        void roundTrip(long seq) throws IOException;

        /** Server: reads one whole message and writes it back; false at end of stream. */
        boolean echo() throws IOException;

        /** Ends the server's loop: end of stream on the client's output. */
        void shutdownClientOutput() throws IOException;

        @Override
        void close() throws IOException;
    }

    private SchedulerUnderTest scheduler;
    private Connection connection;
    private Driver driver;
    private volatile Throwable serverFailure;
    private long seq;

    @Setup(Level.Trial)
    public void open(BenchmarkParams params) throws Exception {
        if (size < 8 || size > (1 << 20)) {
            throw new IllegalArgumentException("size=" + size + ": must be from 8 to 1048576 bytes");
        }
        scheduler = SchedulerUnderTest.open(params, carriers);
        try {
            connection = scheduler.weft() == null ? JdkConnection.open(size) : WeftConnection.open(size);
            scheduler.start(this::serve);
            driver = new Driver(scheduler, this::pingRound);
        } catch (Exception | Error e) {
            try {
                close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The client, in the driver's virtual thread. */
    private void pingRound() throws IOException {
        Connection c = connection;
        long s = seq;
        for (int i = 0; i < ROUND_TRIPS; i++) {
            c.roundTrip(++s);
        }
        seq = s;
        Throwable f = serverFailure;
        if (f != null) {
            throw new IOException("the server thread failed", f);
        }
    }

    /** The server: echoes until the client shuts its output down. */
    private void serve() {
        try {
            while (connection.echo()) {
                // next message
            }
        } catch (Throwable t) {
            serverFailure = t;
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        Exception failure = null;
        if (driver != null) {
            driver.close(); // the client ends
        }
        if (connection != null) {
            try {
                connection.shutdownClientOutput(); // the server reads end of stream and ends
            } catch (IOException e) {
                failure = e;
            }
        }
        if (scheduler != null) {
            try {
                scheduler.close(); // joins client and server, then closes a Weft scheduler
            } catch (Exception e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        scheduler = null;
        connection = null;
        driver = null;
        if (failure != null) {
            throw failure;
        }
    }

    /** Baseline: {@link Socket} streams on the JDK's default virtual-thread scheduler. */
    @Benchmark
    public long jdk() {
        return driver.invoke();
    }

    /** Weft, carriers on io_uring: one-shot poll requests for readiness. */
    @Benchmark
    public long ioUring() {
        return driver.invoke();
    }

    /** Weft, carriers on epoll: one-shot epoll interest for readiness. */
    @Benchmark
    public long epoll() {
        return driver.invoke();
    }

    // ---- the JDK's sockets --------------------------------------------------------------

    static final class JdkConnection implements Connection {
        private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

        private final Socket client;
        private final Socket server;
        private final InputStream clientIn;
        private final OutputStream clientOut;
        private final InputStream serverIn;
        private final OutputStream serverOut;
        private final byte[] clientBuf;
        private final byte[] serverBuf;

        private JdkConnection(Socket client, Socket server, int size) throws IOException {
            this.client = client;
            this.server = server;
            this.clientIn = client.getInputStream();
            this.clientOut = client.getOutputStream();
            this.serverIn = server.getInputStream();
            this.serverOut = server.getOutputStream();
            this.clientBuf = new byte[size];
            this.serverBuf = new byte[size];
        }

        /** Connected on the benchmark thread; the JDK makes a socket non-blocking when a virtual thread first uses it. */
        static JdkConnection open(int size) throws IOException {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Socket client = new Socket();
                Socket server = null;
                try {
                    client.setTcpNoDelay(true);
                    client.connect(listener.getLocalSocketAddress(), 5000);
                    listener.setSoTimeout(5000);
                    server = listener.accept();
                    server.setTcpNoDelay(true);
                    return new JdkConnection(client, server, size);
                } catch (IOException | RuntimeException e) {
                    client.close();
                    if (server != null) server.close();
                    throw e;
                }
            }
        }

        @Override
        public void roundTrip(long seq) throws IOException {
            byte[] b = clientBuf;
            LONG.set(b, 0, seq);
            clientOut.write(b, 0, b.length);
            LONG.set(b, 0, ~seq);
            if (!readFully(clientIn, b)) {
                throw new EOFException("the server closed the connection");
            }
            long echoed = (long) LONG.get(b, 0);
            if (echoed != seq) {
                throw new IOException("echo of message " + seq + " carried " + echoed);
            }
        }

        @Override
        public boolean echo() throws IOException {
            byte[] b = serverBuf;
            if (!readFully(serverIn, b)) {
                return false;
            }
            serverOut.write(b, 0, b.length);
            return true;
        }

        /** Reads all of {@code b}; false at end of stream before the first byte. */
        private static boolean readFully(InputStream in, byte[] b) throws IOException {
            int off = 0;
            while (off < b.length) {
                int n = in.read(b, off, b.length - off);
                if (n < 0) {
                    if (off == 0) return false;
                    throw new EOFException("end of stream after " + off + " of " + b.length + " bytes");
                }
                off += n;
            }
            return true;
        }

        @Override
        public void shutdownClientOutput() throws IOException {
            client.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            try {
                client.close();
            } finally {
                server.close();
            }
        }
    }

    // ---- Weft: raw descriptors ----------------------------------------------------------

    static final class WeftConnection implements Connection {
        private final int clientFd;
        private final int serverFd;
        private final MemorySegment clientBuf;
        private final MemorySegment serverBuf;
        private boolean closed;

        private WeftConnection(int clientFd, int serverFd, int size) {
            this.clientFd = clientFd;
            this.serverFd = serverFd;
            MemorySegment c = NativeMemory.allocate(size);
            MemorySegment s;
            try {
                s = NativeMemory.allocate(size);
            } catch (RuntimeException | Error e) {
                NativeMemory.free(c);
                throw e;
            }
            this.clientBuf = c;
            this.serverBuf = s;
        }

        /**
         * Both ends non-blocking, {@code TCP_NODELAY}, connected on the benchmark thread (a
         * platform thread, where {@code awaitWritable} is a plain {@code poll(2)}).
         */
        static WeftConnection open(int size) throws IOException {
            int listener = Sockets.listenLoopback(1, false);
            int client = -1;
            int server = -1;
            try {
                int port = Sockets.localPort(listener);
                client = Sockets.tcpSocket(true);
                int r;
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment addr = Sockets.loopbackAddress(arena.allocate(Sockets.SOCKADDR_IN_SIZE), port);
                    r = Libc.connect(client, addr, Sockets.SOCKADDR_IN_SIZE);
                }
                if (r < 0 && r != -Errno.EINPROGRESS) {
                    throw new ErrnoException("connect", -r);
                }
                server = Sockets.accept(listener, true);
                if (r < 0) {
                    if (!WeftScheduler.awaitWritable(client, TimeUnit.SECONDS.toNanos(5))) {
                        throw new IOException("connect to 127.0.0.1:" + port + " did not complete within 5 s");
                    }
                    int err = Sockets.intOption(client, Sockets.SOL_SOCKET, Sockets.SO_ERROR);
                    if (err != 0) {
                        throw new ErrnoException("connect", err);
                    }
                }
                Sockets.setIntOption(client, IPPROTO_TCP, TCP_NODELAY, 1);
                Sockets.setIntOption(server, IPPROTO_TCP, TCP_NODELAY, 1);
                return new WeftConnection(client, server, size);
            } catch (IOException | RuntimeException | Error e) {
                if (client >= 0) Libc.close(client);
                if (server >= 0) Libc.close(server);
                throw e;
            } finally {
                Libc.close(listener);
            }
        }

        @Override
        public void roundTrip(long seq) throws IOException {
            MemorySegment b = clientBuf;
            b.set(JAVA_LONG_UNALIGNED, 0, seq);
            writeFully(clientFd, b);
            b.set(JAVA_LONG_UNALIGNED, 0, ~seq);
            if (!readFully(clientFd, b)) {
                throw new EOFException("the server closed the connection");
            }
            long echoed = b.get(JAVA_LONG_UNALIGNED, 0);
            if (echoed != seq) {
                throw new IOException("echo of message " + seq + " carried " + echoed);
            }
        }

        @Override
        public boolean echo() throws IOException {
            MemorySegment b = serverBuf;
            if (!readFully(serverFd, b)) {
                return false;
            }
            writeFully(serverFd, b);
            return true;
        }

        /** Writes all of {@code b}, parking in the scheduler while the socket is full. */
        private static void writeFully(int fd, MemorySegment b) throws IOException {
            long len = b.byteSize();
            long off = 0;
            while (off < len) {
                long n = Libc.write(fd, off == 0 ? b : b.asSlice(off), len - off);
                if (n >= 0) {
                    off += n;
                } else if (n == -Errno.EAGAIN) {
                    WeftScheduler.awaitWritable(fd, 0);
                } else if (n != -Errno.EINTR) {
                    throw new ErrnoException("write", (int) -n);
                }
            }
        }

        /**
         * Reads all of {@code b}, parking in the scheduler while there is nothing to read; false
         * at end of stream before the first byte.
         */
        private static boolean readFully(int fd, MemorySegment b) throws IOException {
            long len = b.byteSize();
            long off = 0;
            while (off < len) {
                long n = Libc.read(fd, off == 0 ? b : b.asSlice(off), len - off);
                if (n > 0) {
                    off += n;
                } else if (n == 0) {
                    if (off == 0) return false;
                    throw new EOFException("end of stream after " + off + " of " + len + " bytes");
                } else if (n == -Errno.EAGAIN) {
                    WeftScheduler.awaitReadable(fd, 0);
                } else if (n != -Errno.EINTR) {
                    throw new ErrnoException("read", (int) -n);
                }
            }
            return true;
        }

        @Override
        public void shutdownClientOutput() throws IOException {
            if (!closed) {
                ErrnoException.check("shutdown", Libc.shutdown(clientFd, Sockets.SHUT_WR));
            }
        }

        /** After the threads ended (the scheduler's close joined them): descriptors, then buffers. */
        @Override
        public void close() throws IOException {
            if (closed) return;
            closed = true;
            WeftScheduler.cancelWaits(clientFd);
            WeftScheduler.cancelWaits(serverFd);
            try {
                Sockets.close(clientFd);
            } finally {
                try {
                    Sockets.close(serverFd);
                } finally {
                    NativeMemory.free(clientBuf);
                    NativeMemory.free(serverBuf);
                }
            }
        }
    }
}
