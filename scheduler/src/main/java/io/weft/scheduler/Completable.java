package io.weft.scheduler;

/**
 * Something waiting for a completion from its carrier's poller: a virtual thread's I/O wait,
 * or (in the net module) an operation in flight. Registered in the carrier's
 * {@link WaitTable}, whose index is the poller token.
 */
interface Completable {
    /**
     * The poller's completion for this entry, on the carrier that owns the poller.
     *
     * @param result the completion result ({@code -errno} on failure)
     * @param flags  {@link io.weft.poller.Completion} flags
     */
    void complete(Carrier carrier, int result, int flags);
}
