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
 *
 * <p>Linux only: macOS and FreeBSD have no {@code /proc/self/fd} (their {@code /dev/fd} lists
 * numbers, not what they are open on), so there {@link #countable()} is false, the tests whose
 * point is the count skip, and the others leave the count out, as LeakCheck leaves out
 * descriptors there and counts native memory only.
 */
final class OpenFiles {
    private static final Path PROC_FD = Path.of("/proc/self/fd");

    private OpenFiles() {}

    /** Whether this system lists what each descriptor is open on ({@code /proc/self/fd}). */
    static boolean countable() {
        return Files.isDirectory(PROC_FD);
    }

    /** What a test that needs the count says when it skips. */
    static final String NOT_COUNTABLE = "counting open descriptors needs /proc/self/fd (Linux)";

    static int under(Path dir) {
        String prefix = dir.toAbsolutePath().toString();
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC_FD)) {
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

    /**
     * Where descriptors can be counted, asserts that none is left open under {@code dir} (waiting
     * up to 5 s for pool calls to return); elsewhere nothing to count (see the class comment).
     */
    static void assertNoneLeftUnder(Path dir) throws InterruptedException {
        if (countable()) {
            org.junit.jupiter.api.Assertions.assertEquals(0, awaitUnder(dir, 0),
                    "descriptors still open under the test directory");
        }
    }
}
