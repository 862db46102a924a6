package io.weft.files;

/** An operation in flight on a {@link FileFd} that closing the descriptor must end. */
interface Abortable {
    /** Makes the waiting thread return at once, its result "aborted". Any thread; idempotent. */
    void abort();
}
