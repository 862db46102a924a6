package io.weft.files;

import io.weft.poller.Backend;
import io.weft.poller.PollerConfig;
import io.weft.scheduler.SchedulerConfig;
import io.weft.scheduler.WeftScheduler;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The child of {@link PermissionTest}, run as the unprivileged user {@code nobody} (root may open
 * anything, so permission errors cannot be seen in the test JVM itself). For each path and
 * options given, it opens the file with the JDK's FileChannel and with WeftFiles from a
 * platform thread, a Weft virtual thread on io_uring, one on epoll and a JDK virtual thread, and
 * prints one line per attempt: {@code kind<TAB>options<TAB>path<TAB>outcome}.
 */
public final class PermissionProbe {
    public static void main(String[] args) throws Exception {
        try (WeftScheduler uring = start(Backend.IO_URING);
             WeftScheduler epoll = start(Backend.EPOLL)) {
            for (String arg : args) {
                int at = arg.indexOf('@');
                OpenOption[] options = options(arg.substring(0, at));
                Path p = Path.of(arg.substring(at + 1));
                print("jdk", arg, run(() -> FileChannel.open(p, options)));
                print("weft-platform", arg, run(() -> WeftFiles.open(p, options)));
                print("weft-io_uring", arg, on(uring, () -> WeftFiles.open(p, options)));
                print("weft-epoll", arg, on(epoll, () -> WeftFiles.open(p, options)));
                CompletableFuture<String> jdkVirtual = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> jdkVirtual.complete(run(() -> WeftFiles.open(p, options))));
                print("weft-jdk-virtual", arg, jdkVirtual.get(30, TimeUnit.SECONDS));
                print("weft-stat", arg, run(() -> {
                    WeftFiles.stat(p);
                    return null;
                }));
            }
        }
    }

    /**
     * A one-carrier scheduler on {@code backend}, made here rather than by {@link Where}: this JVM
     * has only the modules' compiled classes, not JUnit or the poller's test kit.
     */
    private static WeftScheduler start(Backend backend) throws java.io.IOException {
        PollerConfig poller = PollerConfig.defaults().withBackend(backend);
        return WeftScheduler.start(new SchedulerConfig(1, 4096, 32, 2000, poller));
    }

    private static OpenOption[] options(String names) {
        String[] parts = names.split(",");
        OpenOption[] o = new OpenOption[parts.length];
        for (int i = 0; i < parts.length; i++) o[i] = StandardOpenOption.valueOf(parts[i]);
        return o;
    }

    private static String on(WeftScheduler s, Callable<? extends AutoCloseable> open) throws Exception {
        CompletableFuture<String> r = new CompletableFuture<>();
        s.startVirtualThread(() -> r.complete(run(open)));
        return r.get(30, TimeUnit.SECONDS);
    }

    private static String run(Callable<? extends AutoCloseable> open) {
        try (AutoCloseable c = open.call()) {
            return "opened";
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static void print(String kind, String arg, String outcome) {
        System.out.println(kind + "\t" + arg + "\t" + outcome);
    }
}
