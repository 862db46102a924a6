package io.weft.poller;

import java.lang.foreign.MemorySegment;

/**
 * A ring of receive buffers the kernel picks from (io_uring provided buffer ring,
 * {@code IORING_REGISTER_PBUF_RING}). A receive submitted with this ring's group completes
 * with {@link Completion#BUFFER} set and the buffer's id in {@link Completion#bufferId};
 * the data is in {@link #buffer(int)} for {@code result} bytes. Until {@link #recycle} gives
 * the buffer back, the kernel will not use it again; when every buffer is out, receives
 * complete with {@code -ENOBUFS} (a multishot receive ends there and must be resubmitted).
 *
 * <p>Owned by the poller's owner thread. The memory is freed when the poller closes, after
 * the kernel is done with it.
 */
public interface BufferRing {
    /** The buffer group id to name in receive operations. */
    int groupId();

    /** The number of buffers (a power of two). */
    int count();

    /** The size of each buffer in bytes. */
    int bufferSize();

    /** The whole buffer with id {@code bufferId}; the received bytes are at its start. */
    MemorySegment buffer(int bufferId);

    /**
     * Gives buffer {@code bufferId} back to the kernel. Cheap: it is published to the kernel
     * with a single release store of the ring tail.
     */
    void recycle(int bufferId);

    /** Buffers currently given to the kernel and not yet consumed by a completion. */
    int available();
}
