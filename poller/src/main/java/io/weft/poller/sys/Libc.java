package io.weft.poller.sys;

import static io.weft.poller.sys.CallStates.result;
import static io.weft.poller.sys.Downcalls.downcall;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.weft.poller.faults.FaultOp;
import io.weft.poller.faults.FaultOp.Fault;
import io.weft.poller.faults.Faults;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into the C library, with errno captured by the linker
 * ({@link Linker.Option#captureCallState}) so that no other call can overwrite it first.
 *
 * <p>Every method follows the kernel's convention: a result {@code >= 0} is success and a
 * negative result is {@code -errno}. Hot paths branch on the sign without an exception;
 * {@link ErrnoException#check} turns a failure into an exception that names the call.
 *
 * <p>{@code recv}, {@code send}, {@code accept4}, {@code connect}, {@code poll} and
 * {@code epoll_wait} obey the test-only fault switch ({@link Faults}, {@code weft.faults}): an
 * injected errno is returned without making the call (nothing was transferred, as when the
 * kernel fails it), except {@code connect}'s {@code EINTR}, which the kernel reports after the
 * connection was started; a short transfer makes the call with a smaller count, so the bytes
 * not transferred stay in the socket or the caller's buffer.
 *
 * <p>All methods may be called from any thread. Pointers are passed as {@link MemorySegment}s
 * (native ones, or {@link MemorySegment#NULL}).
 */
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    /** The size of a call-state slot, for callers that bring their own. */
    public static final long CALL_STATE_SIZE = Linker.Option.captureStateLayout().byteSize();

    static {
        if (ADDRESS.byteSize() != 8) {
            throw new ExceptionInInitializerError("weft needs a 64-bit JVM");
        }
    }

    private static final MethodHandle SYSCALL = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SCHED_YIELD = downcall("sched_yield", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle READ = downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle EVENTFD = downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CREATE1 = downcall("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = downcall("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = downcall("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle MMAP = downcall("mmap", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SOCKET = downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = downcall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = downcall("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT = downcall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = downcall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETPEERNAME = downcall("getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle RECV = downcall("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEND = downcall("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle IOCTL = downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SETSOCKOPT = downcall("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = downcall("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SHUTDOWN = downcall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL = downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle PIPE2 = downcall("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    // What macOS has instead of accept4, pipe2 and socket(2)'s type flags (see Sockets).
    private static final MethodHandle ACCEPT = downcall("accept", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle PIPE = downcall("pipe", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // Variadic: on arm64 macOS the third argument goes on the stack, not in a register.
    private static final MethodHandle FCNTL = downcall("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CALLOC = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("calloc"),
            FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle MALLOC = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("malloc"),
            FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("free"),
            FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("strerror"),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {}

    /** Where the next downcall captures errno: the calling OS thread's ({@link CallStates}). */
    private static MemorySegment state() {
        return CallStates.current();
    }

    private static AssertionError unexpected(Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        return new AssertionError("downcall threw " + t, t);
    }

    /** {@code syscall(2)} with up to six arguments (pass 0 for unused ones). */
    public static long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6) {
        MemorySegment s = state();
        try {
            return result((long) SYSCALL.invokeExact(s, number, a1, a2, a3, a4, a5, a6), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code sched_yield(2)}: gives the CPU up for the calling OS thread. Unlike
     * {@link Thread#yield()}, which from a virtual thread unmounts it (it may then resume on
     * another carrier), a virtual thread stays mounted on its carrier through this call: a
     * downcall pins it.
     */
    public static int schedYield() {
        MemorySegment s = state();
        try {
            return result((int) SCHED_YIELD.invokeExact(s), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int close(int fd) {
        MemorySegment s = state();
        try {
            return result((int) CLOSE.invokeExact(s, fd), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long count) {
        MemorySegment s = state();
        try {
            return result((long) READ.invokeExact(s, fd, buf, count), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long count) {
        return write(fd, buf, count, state());
    }

    /**
     * {@code write(2)} with the caller's own call-state slot ({@link #CALL_STATE_SIZE} bytes)
     * instead of the calling thread's. For wake-ups: the first call on a thread allocates its
     * slot from an automatic arena, which registers a {@code Cleaner} under the JDK's common
     * cleaner lock, and a wake-up may run on the JDK's virtual-thread unblocker thread, which
     * must never wait for a monitor (docs/architecture.md, "Waking a carrier takes no lock").
     */
    public static long write(int fd, MemorySegment buf, long count, MemorySegment callState) {
        try {
            return result((long) WRITE.invokeExact(callState, fd, buf, count), callState);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int eventfd(int initval, int flags) {
        MemorySegment s = state();
        try {
            return result((int) EVENTFD.invokeExact(s, initval, flags), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int epollCreate1(int flags) {
        MemorySegment s = state();
        try {
            return result((int) EPOLL_CREATE1.invokeExact(s, flags), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int epollCtl(int epfd, int op, int fd, MemorySegment event) {
        MemorySegment s = state();
        try {
            return result((int) EPOLL_CTL.invokeExact(s, epfd, op, fd, event), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int epollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        if (Faults.ENABLED && Faults.draw(FaultOp.POLL, Fault.EINTR) != null) {
            return -Errno.EINTR; // a signal before anything was ready: the caller waits again
        }
        MemorySegment s = state();
        try {
            return result((int) EPOLL_WAIT.invokeExact(s, epfd, events, maxEvents, timeoutMillis), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code mmap(2)}: the mapped address, or {@code -errno}. */
    public static long mmap(MemorySegment addr, long length, int prot, int flags, int fd, long offset) {
        MemorySegment s = state();
        try {
            return result((long) MMAP.invokeExact(s, addr, length, prot, flags, fd, offset), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int munmap(MemorySegment addr, long length) {
        MemorySegment s = state();
        try {
            return result((int) MUNMAP.invokeExact(s, addr, length), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int socket(int domain, int type, int protocol) {
        MemorySegment s = state();
        try {
            return result((int) SOCKET.invokeExact(s, domain, type, protocol), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bind(int fd, MemorySegment addr, int addrLen) {
        MemorySegment s = state();
        try {
            return result((int) BIND.invokeExact(s, fd, addr, addrLen), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int listen(int fd, int backlog) {
        MemorySegment s = state();
        try {
            return result((int) LISTEN.invokeExact(s, fd, backlog), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int accept4(int fd, MemorySegment addr, MemorySegment addrLen, int flags) {
        if (Faults.ENABLED) {
            int e = injected(FaultOp.ACCEPT);
            if (e != 0) return -e; // the connection stays in the backlog
        }
        MemorySegment s = state();
        try {
            return result((int) ACCEPT4.invokeExact(s, fd, addr, addrLen, flags), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int connect(int fd, MemorySegment addr, int addrLen) {
        int fault = Faults.ENABLED ? injected(FaultOp.CONNECT) : 0;
        if (fault != 0 && fault != Errno.EINTR) {
            return -fault; // not started: the caller may try again
        }
        MemorySegment s = state();
        try {
            int r = result((int) CONNECT.invokeExact(s, fd, addr, addrLen), s);
            // EINTR as a blocking connect interrupted by a signal reports it: the connection
            // goes on being made in the background.
            return fault == Errno.EINTR && (r == 0 || r == -Errno.EINPROGRESS) ? -Errno.EINTR : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getsockname(int fd, MemorySegment addr, MemorySegment addrLen) {
        MemorySegment s = state();
        try {
            return result((int) GETSOCKNAME.invokeExact(s, fd, addr, addrLen), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getpeername(int fd, MemorySegment addr, MemorySegment addrLen) {
        MemorySegment s = state();
        try {
            return result((int) GETPEERNAME.invokeExact(s, fd, addr, addrLen), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code recv(2)}: bytes received, 0 at end of stream, or {@code -errno}. */
    public static long recv(int fd, MemorySegment buf, long count, int flags) {
        if (Faults.ENABLED) {
            int e = injected(FaultOp.RECV);
            if (e > 0) return -e;
            if (e < 0) count = Faults.shorter(count); // the rest stays in the socket
        }
        MemorySegment s = state();
        try {
            return result((long) RECV.invokeExact(s, fd, buf, count, flags), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code send(2)}: bytes sent (maybe fewer than {@code count}), or {@code -errno}. */
    public static long send(int fd, MemorySegment buf, long count, int flags) {
        if (Faults.ENABLED) {
            int e = injected(FaultOp.SEND);
            if (e > 0) return -e;
            if (e < 0) count = Faults.shorter(count); // the caller sends the rest again
        }
        MemorySegment s = state();
        try {
            return result((long) SEND.invokeExact(s, fd, buf, count, flags), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ioctl(2)} with a pointer argument, e.g. {@code FIONREAD}. */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        MemorySegment s = state();
        try {
            return result((int) IOCTL.invokeExact(s, fd, request, arg), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int valueLen) {
        MemorySegment s = state();
        try {
            return result((int) SETSOCKOPT.invokeExact(s, fd, level, name, value, valueLen), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment valueLen) {
        MemorySegment s = state();
        try {
            return result((int) GETSOCKOPT.invokeExact(s, fd, level, name, value, valueLen), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int shutdown(int fd, int how) {
        MemorySegment s = state();
        try {
            return result((int) SHUTDOWN.invokeExact(s, fd, how), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code poll(2)} on {@code nfds} {@code struct pollfd}s; the number ready, or {@code -errno}. */
    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        if (Faults.ENABLED && Faults.draw(FaultOp.POLL, Fault.EINTR) != null) {
            return -Errno.EINTR;
        }
        MemorySegment s = state();
        try {
            return result((int) POLL.invokeExact(s, fds, nfds, timeoutMillis), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code pipe2(2)} into {@code fds}, two ints: [0] the read end, [1] the write end. */
    public static int pipe2(MemorySegment fds, int flags) {
        MemorySegment s = state();
        try {
            return result((int) PIPE2.invokeExact(s, fds, flags), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * The fault switch's decision for one call of {@code op}: 0 for none, the errno to fail
     * with, or -1 for a short transfer.
     */
    private static int injected(FaultOp op) {
        Fault f = Faults.draw(op);
        return f == null ? 0 : f == Fault.SHORT ? -1 : f.errno;
    }

    /** {@code accept(2)}: the new descriptor (blocking, inheriting nothing), or {@code -errno}. */
    public static int accept(int fd, MemorySegment addr, MemorySegment addrLen) {
        MemorySegment s = state();
        try {
            return result((int) ACCEPT.invokeExact(s, fd, addr, addrLen), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code pipe(2)} into {@code fds}, two ints: [0] the read end, [1] the write end. */
    public static int pipe(MemorySegment fds) {
        MemorySegment s = state();
        try {
            return result((int) PIPE.invokeExact(s, fds), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fcntl(2)} with an int argument (0 for the commands that take none), e.g. {@code F_SETFL}. */
    public static int fcntl(int fd, int cmd, int arg) {
        MemorySegment s = state();
        try {
            return result((int) FCNTL.invokeExact(s, fd, cmd, arg), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code calloc(3)}: zeroed memory, or {@link MemorySegment#NULL} when out of memory. */
    static MemorySegment calloc(long size) {
        try {
            return (MemorySegment) CALLOC.invokeExact(1L, size);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code malloc(3)}: uninitialised memory, or {@link MemorySegment#NULL} when out of memory. */
    static MemorySegment malloc(long size) {
        try {
            return (MemorySegment) MALLOC.invokeExact(size);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static void free(MemorySegment ptr) {
        try {
            FREE.invokeExact(ptr);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The C library's description of {@code errno}, e.g. "Operation not permitted". */
    public static String strerror(int errno) {
        try {
            MemorySegment p = (MemorySegment) STRERROR.invokeExact(errno);
            return p.equals(MemorySegment.NULL) ? "errno " + errno : p.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
