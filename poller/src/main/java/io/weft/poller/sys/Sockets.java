package io.weft.poller.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Socket calls on raw descriptors: what the poller's tests and the net module need below
 * {@code java.net}. Linux constants (x86_64 and aarch64 share them). Thread-safe; not a hot path.
 */
public final class Sockets {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;

    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int SOCKADDR_IN_SIZE = 16;

    private static final int INADDR_LOOPBACK = 0x7f000001;

    private Sockets() {}

    /** A new IPv4 TCP socket, close-on-exec, non-blocking if asked. */
    public static int tcpSocket(boolean nonBlocking) throws ErrnoException {
        int type = SOCK_STREAM | SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0);
        return ErrnoException.check("socket", Libc.socket(AF_INET, type, 0));
    }

    /** Writes {@code struct sockaddr_in} for 127.0.0.1:{@code port} into {@code addr}. */
    public static MemorySegment loopbackAddress(MemorySegment addr, int port) {
        addr.fill((byte) 0);
        addr.set(JAVA_SHORT, 0, (short) AF_INET);
        addr.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
        addr.set(JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 4, INADDR_LOOPBACK);
        return addr;
    }

    /** A TCP socket listening on 127.0.0.1 at a port the kernel picks ({@link #localPort}). */
    public static int listenLoopback(int backlog, boolean nonBlocking) throws ErrnoException {
        int fd = tcpSocket(nonBlocking);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(JAVA_INT);
            one.set(JAVA_INT, 0, 1);
            ErrnoException.check("setsockopt(SO_REUSEADDR)", Libc.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, one, 4));
            MemorySegment addr = loopbackAddress(arena.allocate(SOCKADDR_IN_SIZE), 0);
            ErrnoException.check("bind", Libc.bind(fd, addr, SOCKADDR_IN_SIZE));
            ErrnoException.check("listen", Libc.listen(fd, backlog));
            return fd;
        } catch (ErrnoException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** The local port of a bound IPv4 socket. */
    public static int localPort(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SOCKADDR_IN_SIZE);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, SOCKADDR_IN_SIZE);
            ErrnoException.check("getsockname", Libc.getsockname(fd, addr, len));
            return Short.toUnsignedInt(addr.get(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
        }
    }

    /** A blocking TCP socket connected to 127.0.0.1:{@code port}. */
    public static int connectLoopback(int port) throws ErrnoException {
        int fd = tcpSocket(false);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = loopbackAddress(arena.allocate(SOCKADDR_IN_SIZE), port);
            ErrnoException.check("connect", Libc.connect(fd, addr, SOCKADDR_IN_SIZE));
            return fd;
        } catch (ErrnoException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** Accepts one connection (blocking unless {@code fd} is non-blocking); close-on-exec. */
    public static int accept(int fd, boolean nonBlocking) throws ErrnoException {
        int flags = SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0);
        return ErrnoException.check("accept4", Libc.accept4(fd, MemorySegment.NULL, MemorySegment.NULL, flags));
    }

    /** Sets an int socket option. */
    public static void setIntOption(int fd, int level, int option, int value) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            ErrnoException.check("setsockopt", Libc.setsockopt(fd, level, option, v, 4));
        }
    }

    /** Reads an int socket option, e.g. {@link #SO_ERROR}. */
    public static int intOption(int fd, int level, int option) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 4);
            ErrnoException.check("getsockopt", Libc.getsockopt(fd, level, option, v, len));
            return v.get(JAVA_INT, 0);
        }
    }

    /** A pipe, close-on-exec, non-blocking if asked: [0] the read end, [1] the write end. */
    public static int[] pipe(boolean nonBlocking) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            ErrnoException.check("pipe2", Libc.pipe2(fds, O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0)));
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    /** Writes all of {@code bytes} to a blocking descriptor. */
    public static void writeFully(int fd, byte[] bytes) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(JAVA_BYTE, bytes);
            long off = 0;
            while (off < bytes.length) {
                long n = Libc.write(fd, buf.asSlice(off), bytes.length - off);
                if (n == -Errno.EINTR) continue;
                off += ErrnoException.check("write", n);
            }
        }
    }

    /** Reads up to {@code max} bytes from a descriptor: what one {@code read(2)} returned. */
    public static byte[] read(int fd, int max) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(max);
            long n;
            do {
                n = Libc.read(fd, buf, max);
            } while (n == -Errno.EINTR);
            return buf.asSlice(0, ErrnoException.check("read", n)).toArray(JAVA_BYTE);
        }
    }

    /** Closes {@code fd}, ignoring {@code EINTR} as Linux does (the descriptor is gone either way). */
    public static void close(int fd) throws ErrnoException {
        int r = Libc.close(fd);
        if (r < 0 && r != -Errno.EINTR) {
            throw new ErrnoException("close", -r);
        }
    }
}
