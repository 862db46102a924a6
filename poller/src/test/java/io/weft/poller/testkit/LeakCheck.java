package io.weft.poller.testkit;

import io.weft.poller.sys.IoBuffers;
import io.weft.poller.sys.NativeMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves behind what weft's code can leak: native memory counted by
 * {@link NativeMemory}, and descriptors whose {@code /proc/self/fd} link is a socket, a pipe or
 * an anonymous inode (io_uring, eventfd, eventpoll). Regular files, jars and directories are
 * ignored: the JVM opens and closes those by itself.
 *
 * <p>Compares a snapshot taken before all tests of the class with one taken after all of
 * them. After each test it also looks, so that the failure can say after which test a leak
 * was first seen. A descriptor that was open before the class and is gone (or points
 * elsewhere) afterwards is reported too: that is a close of somebody else's descriptor.
 */
public final class LeakCheck implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LeakCheck.class);
    private static final Path PROC_FD = Path.of("/proc/self/fd");

    /** Per class: the snapshot before, and the first test after which something was amiss. */
    private static final class State {
        final Snapshot before;
        String firstSeenAfter;
        List<String> firstSeen;

        State(Snapshot before) {
            this.before = before;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        startJdkPollers();
        context.getStore(NS).put(key(context), new State(Snapshot.take()));
    }

    /**
     * The JDK opens its own poller descriptors (epoll instances, eventfds) once, on the first
     * virtual-thread socket wait of the process, or when the Weft scheduler starts them early.
     * Open them before the first snapshot so they are not mistaken for a leak of the test class
     * that happened to trigger them.
     */
    private static void startJdkPollers() {
        try {
            Class.forName("sun.nio.ch.Poller", true, ClassLoader.getPlatformClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // not this JDK's layout: nothing opened early, nothing to account for
        }
        // Weft's scheduler, when present, keeps one carrier for the descriptor waits of other
        // schedulers' virtual threads for the life of the process (ForeignWaits): start it now.
        try {
            java.lang.reflect.Method m = Class.forName("io.weft.scheduler.ForeignWaits").getDeclaredMethod("carrier");
            m.setAccessible(true);
            m.invoke(null);
        } catch (ClassNotFoundException e) {
            // the poller's own tests: no scheduler on the class path
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not start the scheduler's shared carrier", e);
        }
        // libkqueue makes a process-wide epoll instance on its first kqueue() (to learn of
        // closed kqueues) and keeps it: make it now, when the kqueue tests were enabled.
        if (KqueueTesting.library() != null && KqueueTesting.runs(io.weft.poller.Backend.KQUEUE)) {
            try {
                io.weft.poller.Pollers.open(io.weft.poller.Backend.KQUEUE,
                        KqueueTesting.config(io.weft.poller.Backend.KQUEUE)).close();
            } catch (IOException e) {
                // the kqueue tests themselves will say what is wrong with the library
            }
        }
        // The JDK's socket dispatcher keeps one socket for the life of the process (its
        // "pre-close" descriptor), made when the first JDK socket is: make it now.
        try (java.net.ServerSocket warmUp = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            warmUp.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a loopback socket", e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        State state = findState(context);
        if (state == null || state.firstSeen != null) {
            return;
        }
        List<String> problems = Snapshot.take().problemsSince(state.before);
        if (!problems.isEmpty()) {
            state.firstSeenAfter = context.getDisplayName() + " (" + context.getUniqueId() + ")";
            state.firstSeen = problems;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        State state = (State) context.getStore(NS).remove(key(context));
        if (state == null) {
            return;
        }
        List<String> problems = Snapshot.take().problemsSince(state.before);
        if (!problems.isEmpty()) {
            StringBuilder sb = new StringBuilder("leak check failed for ")
                    .append(context.getDisplayName()).append(":");
            for (String p : problems) {
                sb.append("\n  - ").append(p);
            }
            if (state.firstSeenAfter != null) {
                sb.append("\nfirst seen after test ").append(state.firstSeenAfter).append(": ").append(state.firstSeen);
            }
            throw new AssertionError(sb.toString());
        }
    }

    private static String key(ExtensionContext context) {
        return "state:" + context.getUniqueId();
    }

    /** The state of the closest enclosing class context. */
    private static State findState(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            Object s = c.getStore(NS).get(key(c));
            if (s instanceof State state) {
                return state;
            }
        }
        return null;
    }

    /** Native memory counters and the descriptors that weft's code could leak. */
    public record Snapshot(long allocations, long bytes, Map<Integer, String> descriptors) {

        public static Snapshot take() {
            // Buffers idle in IoBuffers' pool are kept on purpose, for reuse: not a leak.
            int idle = IoBuffers.idleBuffers();
            return new Snapshot(NativeMemory.liveAllocations() - idle,
                    NativeMemory.liveBytes() - IoBuffers.idleBytes(), openDescriptors());
        }

        /**
         * fd number to link target, for sockets, pipes and anonymous inodes only. Empty where
         * there is no {@code /proc/self/fd} (macOS, FreeBSD without linprocfs): there only
         * native memory is checked.
         */
        public static Map<Integer, String> openDescriptors() {
            Map<Integer, String> fds = new TreeMap<>();
            if (!Files.isDirectory(PROC_FD)) {
                return fds;
            }
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC_FD)) {
                for (Path p : dir) {
                    String target;
                    try {
                        target = Files.readSymbolicLink(p).toString();
                    } catch (NoSuchFileException gone) {
                        continue; // closed while we listed, e.g. the directory stream's own fd
                    }
                    if (isWatched(target)) {
                        fds.put(Integer.parseInt(p.getFileName().toString()), target);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + PROC_FD, e);
            }
            return fds;
        }

        static boolean isWatched(String target) {
            return target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:");
        }

        /** What changed since {@code before}, in words; empty when nothing leaked. */
        public List<String> problemsSince(Snapshot before) {
            List<String> problems = new ArrayList<>();
            if (allocations != before.allocations || bytes != before.bytes) {
                problems.add("NativeMemory: live allocations " + before.allocations + " -> " + allocations
                        + " (" + signed(allocations - before.allocations) + "), live bytes " + before.bytes
                        + " -> " + bytes + " (" + signed(bytes - before.bytes) + ")");
            }
            for (Map.Entry<Integer, String> e : descriptors.entrySet()) {
                String old = before.descriptors.get(e.getKey());
                if (!Objects.equals(old, e.getValue())) {
                    problems.add("descriptor leaked: fd " + e.getKey() + " -> " + e.getValue());
                }
            }
            for (Map.Entry<Integer, String> e : before.descriptors.entrySet()) {
                String now = descriptors.get(e.getKey());
                if (!Objects.equals(now, e.getValue())) {
                    problems.add("descriptor open before the tests was closed: fd " + e.getKey() + " -> " + e.getValue());
                }
            }
            return problems;
        }

        private static String signed(long v) {
            return v >= 0 ? "+" + v : Long.toString(v);
        }
    }
}
