package io.weft.stress.selfcheck;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A copy of {@link io.weft.poller.internal.WakeupSignal} (same API, same code) with one
 * deliberate {@link Flaw}, for the self-check tests: jcstress must flag each flaw with a
 * forbidden outcome of the same test body that passes on the real class. Never use outside
 * {@code io.weft.stress.selfcheck}.
 */
public final class BrokenWakeupSignal implements AutoCloseable {
    /** The bug this copy has. */
    public enum Flaw {
        /** {@link #consumed()} clears pending with a release store instead of a volatile one. */
        RELAXED_RESET,
        /** {@link #signal()} checks closed without counting itself in writers; close does not wait. */
        NO_CLOSE_HANDSHAKE,
    }

    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final VarHandle PENDING;
    private static final VarHandle WRITERS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PENDING = lookup.findVarHandle(BrokenWakeupSignal.class, "pending", int.class);
            WRITERS = lookup.findVarHandle(BrokenWakeupSignal.class, "writers", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Flaw flaw;
    private final int fd;
    private final MemorySegment buffers;
    private volatile int pending;
    private volatile int writers;
    private volatile boolean closed;

    /** A non-blocking eventfd; unchecked failure, for jcstress states. */
    public BrokenWakeupSignal(Flaw flaw) {
        this.flaw = flaw;
        try {
            fd = ErrnoException.check("eventfd", Libc.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
        } catch (ErrnoException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        buffers = NativeMemory.allocate(16);
        buffers.set(JAVA_LONG, 0, 1L);
    }

    public int fd() {
        return fd;
    }

    public MemorySegment readBuffer() {
        return buffers.asSlice(8, 8);
    }

    public void signal() {
        if ((int) PENDING.getVolatile(this) != 0 || !PENDING.compareAndSet(this, 0, 1)) {
            return;
        }
        if (flaw == Flaw.NO_CLOSE_HANDSHAKE) {
            if (!closed) {
                write();
            }
            return;
        }
        WRITERS.getAndAdd(this, 1);
        try {
            if (!closed) {
                write();
            }
        } finally {
            WRITERS.getAndAdd(this, -1);
        }
    }

    private void write() {
        long r = Libc.write(fd, buffers, 8);
        if (r < 0 && r != -Errno.EAGAIN) {
            throw new IllegalStateException("write(eventfd): " + Errno.describe((int) -r));
        }
    }

    public void drain() {
        Libc.read(fd, readBuffer(), 8);
    }

    public void consumed() {
        if (flaw == Flaw.RELAXED_RESET) {
            PENDING.setRelease(this, 0);
        } else {
            pending = 0;
        }
    }

    public boolean isPending() {
        return pending != 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pending = 1;
            while (flaw != Flaw.NO_CLOSE_HANDSHAKE && writers != 0) {
                Thread.onSpinWait();
            }
            Libc.close(fd);
            NativeMemory.free(buffers);
        }
    }
}
