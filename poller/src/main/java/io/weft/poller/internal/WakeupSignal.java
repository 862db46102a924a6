package io.weft.poller.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An eventfd that other threads write to wake a poller, with a pending flag so that a burst of
 * wake-ups costs one {@code write(2)} until the owner has consumed it.
 *
 * <h2>Protocol</h2>
 * <ul>
 *   <li>{@link #signal()} (any thread): if {@code pending} goes 0 to 1, write the eventfd.
 *       A signaller that finds it already 1 writes nothing: the owner has not yet consumed the
 *       earlier wake-up, and it resets the flag before it looks at its queues again, so it
 *       will see whatever this signaller published before calling {@code signal()}.</li>
 *   <li>The owner, when the eventfd has been read (the counter is back to 0), calls
 *       {@link #consumed()} and only then re-checks whatever the wake-up was about. Resetting
 *       before the read would let a signal land between the reset and the read and be lost.</li>
 * </ul>
 * The owner's reset is a volatile write followed by its queue reads; a signaller's queue
 * write, however it was made, is ordered before its read of {@code pending} by a full fence
 * at the start of {@link #signal()}. So of the two at least one sees the other.
 *
 * <p>Closing races with signallers on other threads: a signaller counts itself in
 * {@code writers} before it checks {@code closed}, and {@link #close()} sets {@code closed}
 * before it waits for {@code writers} to drain, so the eventfd is never written after its
 * number may have been reused.
 */
public final class WakeupSignal implements AutoCloseable {
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final VarHandle PENDING;
    private static final VarHandle WRITERS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PENDING = lookup.findVarHandle(WakeupSignal.class, "pending", int.class);
            WRITERS = lookup.findVarHandle(WakeupSignal.class, "writers", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    /** 8 bytes holding 1, written by signallers; 8 more for the owner's reads. */
    private final MemorySegment buffers;
    private volatile int pending;
    private volatile int writers;
    private volatile boolean closed;

    /**
     * @param nonBlocking whether the eventfd is {@code O_NONBLOCK}: yes for a poller that
     *                    reads it after readiness, no for io_uring, which would answer its
     *                    read with {@code EAGAIN} instead of waiting
     */
    public WakeupSignal(boolean nonBlocking) throws ErrnoException {
        fd = ErrnoException.check("eventfd", Libc.eventfd(0, EFD_CLOEXEC | (nonBlocking ? EFD_NONBLOCK : 0)));
        buffers = NativeMemory.allocate(16);
        buffers.set(JAVA_LONG, 0, 1L);
    }

    /** The eventfd, for the owner to wait on. */
    public int fd() {
        return fd;
    }

    /** 8 bytes the owner may read the eventfd counter into. */
    public MemorySegment readBuffer() {
        return buffers.asSlice(8, 8);
    }

    /** Wakes the owner. Any thread; a no-op after {@link #close()}. */
    public void signal() {
        // Orders whatever the caller published before this call (even with a plain or
        // release store) before the read of pending: without it the store can sink below
        // the read, the owner resets pending and misses the value, and no wake-up is sent
        // (jcstress PlainPublicationTest caught exactly that).
        VarHandle.fullFence();
        if ((int) PENDING.getVolatile(this) != 0 || !PENDING.compareAndSet(this, 0, 1)) {
            return;
        }
        WRITERS.getAndAdd(this, 1);
        try {
            if (!closed) {
                long r = Libc.write(fd, buffers, 8);
                // EAGAIN: the counter is at its maximum, so the owner is woken anyway.
                if (r < 0 && r != -Errno.EAGAIN) {
                    throw new IllegalStateException("write(eventfd): " + Errno.describe((int) -r));
                }
            }
        } finally {
            WRITERS.getAndAdd(this, -1);
        }
    }

    /** Owner: reads the counter back to 0 (for backends that wait for readiness). */
    public void drain() {
        Libc.read(fd, readBuffer(), 8);
    }

    /** Owner: the eventfd has been read; signals from now on write again. */
    public void consumed() {
        pending = 0;
    }

    /** Whether a signal is pending that the owner has not consumed. */
    public boolean isPending() {
        return pending != 0;
    }

    /** Owner: closes the eventfd. Callers must have stopped any kernel read of it first. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pending = 1; // late signallers do not even try
            while (writers != 0) {
                Thread.onSpinWait(); // a signaller is inside write(2): microseconds at most
            }
            Libc.close(fd);
            NativeMemory.free(buffers);
        }
    }
}
