package io.weft.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Descriptors of this process open on files under a directory, from {@code /proc/self/fd}: the
 * poller's LeakCheck watches sockets, pipes and anonymous inodes only, so the file tests count
 * their own files here.
 */
final class OpenFiles {
    private OpenFiles() {}

    static int under(Path dir) {
        String prefix = dir.toAbsolutePath().toString();
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                try {
                    if (Files.readSymbolicLink(p).toString().startsWith(prefix)) n++;
                } catch (NoSuchFileException gone) {
                    // closed while listing
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    /** Waits up to 5 s for the count to reach {@code expected} (a pool call may still be returning). */
    static int awaitUnder(Path dir, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int n;
        while ((n = under(dir)) != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return n;
    }
}
