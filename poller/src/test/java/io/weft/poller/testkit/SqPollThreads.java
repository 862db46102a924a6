package io.weft.poller.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The io_uring SQPOLL kernel threads of this process. The kernel makes each as a thread of the
 * process that set the ring up, named {@code iou-sqp-<pid>}, so {@code /proc/self/task/*}
 * lists them. A closed ring's thread goes away asynchronously (the ring is torn down by a
 * kernel work item), hence {@link #awaitNone}.
 */
public final class SqPollThreads {
    private SqPollThreads() {}

    /** How many {@code iou-sqp-*} threads this process has now. */
    public static int count() {
        int n = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith("iou-sqp-")) {
                        n++;
                    }
                } catch (NoSuchFileException e) {
                    // the thread ended while we listed
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/task", e);
        }
        return n;
    }

    /**
     * Waits up to {@code millis} for {@code n} SQPOLL threads; returns how many there are. A new
     * thread takes its name only when it first runs (until then it is "java", its creator's).
     */
    public static int awaitCount(int n, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        int c;
        while ((c = count()) != n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return c;
    }

    /** Waits up to {@code millis} for every SQPOLL thread to end; returns how many are left. */
    public static int awaitNone(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        int n;
        while ((n = count()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return n;
    }
}
