package io.weft.poller.uring;

import io.weft.poller.Backend;
import io.weft.poller.CompletionPoller;
import io.weft.poller.PollerConfig;
import io.weft.poller.Pollers;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.NativeMemory;
import java.lang.foreign.MemorySegment;

/**
 * The child JVM of {@link UringMemlockTest}: run without {@code CAP_IPC_LOCK} and under a small
 * {@code RLIMIT_MEMLOCK}, it registers a buffer larger than the limit and prints what
 * {@code registerBuffers} threw (or {@code REGISTERED} if the kernel took it).
 */
public final class MemlockChild {
    private MemlockChild() {}

    public static void main(String[] args) throws Exception {
        long bytes = Long.parseLong(args[0]);
        MemorySegment buf = NativeMemory.allocatePages(bytes);
        try (CompletionPoller ring = (CompletionPoller) Pollers.open(Backend.IO_URING, PollerConfig.defaults())) {
            ring.registerBuffers(buf);
            System.out.println("REGISTERED");
        } catch (ErrnoException e) {
            System.out.println("REFUSED " + e.getMessage());
        } finally {
            NativeMemory.unmap(buf);
        }
    }
}
