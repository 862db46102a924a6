package io.weft.stress.soak;

import io.weft.poller.Backend;
import io.weft.poller.sys.IoBuffers;
import io.weft.poller.sys.NativeMemory;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Takes the server's {@link Snapshot}, in the server JVM: descriptors from /proc/self/fd, Weft's
 * own native memory counters, the scheduler's live virtual threads, the heap after a full GC.
 */
final class ServerProbe {
    private final WeftScheduler weft;
    private final EchoConnections connections;
    private final long lazyNativeAllowance;

    ServerProbe(WeftScheduler weft, EchoConnections connections, boolean completionMode) {
        this.weft = weft;
        this.connections = connections;
        this.lazyNativeAllowance = completionMode && weft.pollerBackend() == Backend.IO_URING
                ? weft.config().carriers() * receiveRingBytes() : 0;
    }

    /**
     * What one carrier's receive buffer ring takes (see RecvBufferConfig and ProvidedBufferRing):
     * its entries and its buffers, each mapped in whole pages. A carrier registers it on its
     * first completion-mode read, which may come after the start snapshot, and keeps it.
     */
    static long receiveRingBytes() {
        long count = Long.getLong("weft.uring.recvBuffers", 256);
        long size = Long.getLong("weft.uring.recvBufferSize", 16384);
        return NativeMemory.roundUpToPage(16 * count) + NativeMemory.roundUpToPage(size * count);
    }

    /**
     * A snapshot; with {@code gc}, after full GCs, waiting (up to 10 s) for the cleaners of
     * unreachable sockets to run, so that {@link Snapshot#reachableSockets()} counts only
     * sockets something still holds.
     */
    Snapshot take(boolean gc) throws InterruptedException {
        long heap;
        if (gc) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            do {
                System.gc();
                Thread.sleep(100); // the Cleaner's thread runs the actions after the GC
            } while (connections.reachableSockets() > connections.open() && System.nanoTime() < deadline);
            System.gc();
        }
        heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long[] fds = descriptors();
        long idle = IoBuffers.idleBuffers();
        long idleBytes = IoBuffers.idleBytes();
        return new Snapshot(fds[0], fds[1], NativeMemory.liveBytes() - idleBytes, NativeMemory.liveAllocations() - idle,
                idleBytes, lazyNativeAllowance, rssKib(), weft.liveThreads(),
                ManagementFactory.getThreadMXBean().getThreadCount(), heap, connections.open(),
                connections.reachableSockets());
    }

    /** {all, sockets + pipes + anonymous inodes} in /proc/self/fd. */
    static long[] descriptors() {
        long all = 0, watched = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : dir) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (NoSuchFileException | java.nio.file.NotLinkException gone) {
                    continue; // closed while listed, e.g. the directory stream's own descriptor
                }
                all++;
                if (target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:")) {
                    watched++;
                }
            }
        } catch (IOException e) {
            return new long[] {-1, -1};
        }
        // The directory stream's own descriptor is among them (a regular "directory" entry).
        return new long[] {all - 1, watched};
    }

    private static long rssKib() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }
}
