package io.weft.agent;

import io.weft.poller.CompletionPoller;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.FileSyscalls;
import io.weft.scheduler.RingOperation;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * {@code files=weft}: the reads and writes of {@code sun.nio.ch.UnixFileDispatcherImpl}
 * ({@code read}, {@code pread}, {@code write}, {@code pwrite}: what {@code FileChannelImpl}
 * calls through {@code IOUtil}) made by a Weft virtual thread on an io_uring carrier become
 * io_uring operations while the thread parks; everything else goes on to the JDK's
 * {@code read0}/{@code pread0}/... unchanged. Results are translated to what those natives
 * return, so that {@code FileChannelImpl}'s own loop, close and interrupt protocol work as
 * without the agent. Why this is safe (and why the streams are not routed): docs/agent.md.
 */
final class FileDispatch {
    /** What the hook answers for a call it leaves to the JDK (no byte count or IOStatus is this). */
    static final int NOT_HANDLED = Integer.MIN_VALUE;

    /** {@code sun.nio.ch.IOStatus}: what the JDK's natives return besides byte counts. */
    private static final int IOS_EOF = -1;
    private static final int IOS_UNAVAILABLE = -2;
    private static final int IOS_INTERRUPTED = -3;

    private static volatile boolean enabled;

    /** Cached reads since the last fairness yield; racy on purpose (a lost count shifts one yield). */
    private static int cachedReadStreak;

    private FileDispatch() {}

    /**
     * A read the page cache can answer, as {@code WeftFiles} does it: {@code preadv2(RWF_NOWAIT)}
     * on the carrier, one system call instead of a ring round trip; {@link #NOT_HANDLED} when it
     * would have to wait for the device ({@code EAGAIN}) or the file system cannot say
     * ({@code EOPNOTSUPP}), and then the read goes to the ring. Such reads never park, so every
     * 8th yields when other threads wait for this carrier. (An {@code O_DIRECT} channel pays one
     * refused call per read: the agent does not see the open flags.)
     */
    private static int readCached(int fd, long address, int length, long position) throws IOException {
        long r = FileSyscalls.preadNoWait(fd, MemorySegment.ofAddress(address).reinterpret(length), length, position);
        if (r == -Errno.EAGAIN || r == -Errno.EOPNOTSUPP) {
            return NOT_HANDLED;
        }
        AgentCounters.FILE_CACHED_READS.increment();
        WeftScheduler.yieldNowAndThen(++cachedReadStreak);
        if (r > 0) return (int) r;
        if (r == 0) return IOS_EOF;
        if (r == -Errno.EINTR) return IOS_INTERRUPTED;
        throw new IOException(Libc.strerror((int) -r));
    }

    static void enable(boolean on) {
        enabled = on;
    }

    /**
     * One read into (or write from) {@code length} bytes at native {@code address}, at file
     * {@code position} or, with -1, at the descriptor's position; or {@link #NOT_HANDLED}.
     *
     * <p>Interrupts do not cut the operation short, as they do not cut the JDK's own
     * {@code read(2)} on a virtual thread short: the interrupt stays set, and
     * {@code FileChannelImpl} acts on it as without the agent (its interrupt handler closes
     * the channel, and its close waits for this call to return before it closes the
     * descriptor). Cancelling here instead would turn an uninterruptible channel's read into
     * an endless retry, and gains nothing on an interruptible one, whose closer waits anyway.
     *
     * @return as {@code UnixFileDispatcherImpl.read0}: bytes transferred; {@code IOS_EOF} for a
     *         read at end of file; {@code IOS_INTERRUPTED} for {@code EINTR};
     *         {@code IOS_UNAVAILABLE} for {@code EAGAIN}
     * @throws IOException for any other error, with the kernel's message as the JDK's natives give it
     */
    static int transfer(int fd, long address, int length, long position, boolean write) throws IOException {
        int opcode = write ? CompletionPoller.OP_WRITE : CompletionPoller.OP_READ;
        if (!enabled || !RingOperation.supports(opcode)) {
            return NOT_HANDLED; // a platform thread, a JDK virtual thread, an epoll carrier: the JDK's call
        }
        // A pinned thread (a read in a class initializer) goes to the ring too: its park parks
        // the carrier, and the scheduler's pinned watch then has it drive the carrier itself.
        if (!write) {
            int cached = readCached(fd, address, length, position);
            if (cached != NOT_HANDLED) {
                return cached;
            }
        }
        boolean interrupted = Thread.interrupted(); // cleared, or every park would return at once
        try {
            for (;;) {
                FileRingIo op = new FileRingIo(fd, address, length, position, write);
                int r = op.run(0);
                if (r == -Errno.ECANCELED && (op.interrupted() || op.cancelledSpuriously())) {
                    // Not done at all (-ECANCELED): an interrupt during the wait, or the kernel's own cancel.
                    interrupted |= Thread.interrupted();
                    continue;
                }
                (write ? AgentCounters.FILE_WRITES : AgentCounters.FILE_READS).increment();
                if (r > 0) return r;
                if (r == 0) return write ? 0 : IOS_EOF;
                if (r == -Errno.EINTR) return IOS_INTERRUPTED;
                if (r == -Errno.EAGAIN) return IOS_UNAVAILABLE;
                // As JNU_ThrowIOExceptionWithLastError: the message is strerror's.
                throw new IOException(Libc.strerror(-r));
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
