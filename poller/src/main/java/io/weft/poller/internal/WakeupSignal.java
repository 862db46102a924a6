package io.weft.poller.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.NativeMemory;
import java.lang.foreign.MemorySegment;

/**
 * An eventfd that other threads write to wake a poller (io_uring, epoll), with
 * {@link CoalescingWakeup}'s protocol: a burst of wake-ups costs one {@code write(2)} until the
 * owner has read the eventfd and called {@link #consumed()}; closing never writes a descriptor
 * whose number may have been reused.
 */
public final class WakeupSignal extends CoalescingWakeup implements AutoCloseable {
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;

    private final int fd;
    /** The one allocation {@link #buffers} and {@link #ringCallState} are slices of. */
    private final MemorySegment memory;
    /** 8 bytes holding 1, written by signallers; 8 more for the owner's reads. */
    private final MemorySegment buffers;
    /**
     * The signallers' errno slot, so that a wake-up never allocates the calling thread's
     * ({@link Libc#write(int, MemorySegment, long, MemorySegment)} says why). Shared: at most
     * one signaller rings per wake-up, and errno only matters when the write fails.
     */
    private final MemorySegment ringCallState;

    /**
     * @param nonBlocking whether the eventfd is {@code O_NONBLOCK}: yes for a poller that
     *                    reads it after readiness, no for io_uring, which would answer its
     *                    read with {@code EAGAIN} instead of waiting
     */
    public WakeupSignal(boolean nonBlocking) throws ErrnoException {
        fd = ErrnoException.check("eventfd", Libc.eventfd(0, EFD_CLOEXEC | (nonBlocking ? EFD_NONBLOCK : 0)));
        memory = NativeMemory.allocate(16 + Libc.CALL_STATE_SIZE);
        buffers = memory.asSlice(0, 16);
        ringCallState = memory.asSlice(16, Libc.CALL_STATE_SIZE);
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

    @Override
    protected void ring() {
        long r = Libc.write(fd, buffers, 8, ringCallState);
        // EAGAIN: the counter is at its maximum, so the owner is woken anyway.
        if (r < 0 && r != -Errno.EAGAIN) {
            throw new IllegalStateException("write(eventfd): " + Errno.describe((int) -r));
        }
    }

    /** Owner: reads the counter back to 0 (for backends that wait for readiness). */
    public void drain() {
        Libc.read(fd, readBuffer(), 8);
    }

    /** Owner: closes the eventfd. Callers must have stopped any kernel read of it first. */
    @Override
    public void close() {
        if (stopSignallers()) {
            Libc.close(fd);
            NativeMemory.free(memory);
        }
    }
}
