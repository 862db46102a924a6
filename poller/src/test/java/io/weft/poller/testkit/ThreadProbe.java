package io.weft.poller.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Tells from another thread whether a thread is asleep inside a waiting system call, by
 * reading {@code /proc/self/task/<tid>/syscall}: so that a wake-up test knows the poller's
 * owner really is blocked before it wakes it, instead of sleeping and hoping.
 */
public final class ThreadProbe {
    /** epoll_wait, epoll_pwait, epoll_pwait2, io_uring_enter on x86_64; epoll_pwait on aarch64. */
    private static final Set<Integer> WAITING_CALLS = Set.of(232, 281, 441, 426, 22);

    private final Path task;

    private ThreadProbe(Path task) {
        this.task = task;
    }

    /** A probe of the calling thread, to hand to another thread. */
    public static ThreadProbe ofCurrentThread() throws IOException {
        return new ThreadProbe(Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self"))));
    }

    /** The system call number the thread is in, or -1 when it is running user code. */
    public int syscall() throws IOException {
        String s = Files.readString(task.resolve("syscall")).trim();
        if (s.startsWith("running")) {
            return -1;
        }
        return Integer.parseInt(s.split(" ", 2)[0]);
    }

    /** Whether the thread is sleeping in epoll_wait or io_uring_enter. */
    public boolean blockedInPollerCall() throws IOException {
        String stat = Files.readString(task.resolve("stat"));
        char state = stat.charAt(stat.lastIndexOf(')') + 2);
        return state == 'S' && WAITING_CALLS.contains(syscall());
    }

    @Override
    public String toString() {
        return "thread " + task;
    }
}
