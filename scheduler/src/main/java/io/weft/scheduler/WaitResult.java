package io.weft.scheduler;

/** How a wait for a descriptor ended. */
public enum WaitResult {
    /** The descriptor is ready, or may be: retry the operation (readiness can be spurious). */
    READY,
    /** The timeout elapsed first. */
    TIMED_OUT,
    /** {@link WeftScheduler#cancelWaits} was called for the descriptor (it is being closed), or the scheduler closed. */
    CANCELLED,
    /** The waiting thread was interrupted; its interrupt status is left set. */
    INTERRUPTED
}
