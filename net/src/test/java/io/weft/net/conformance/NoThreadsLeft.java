package io.weft.net.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test: no platform thread a conformance row started, and no Weft carrier started
 * during the test, is still alive. (Virtual threads are not listed by the JVM;
 * {@link ThreadSource} joins each one it made and checks the Weft scheduler's live count before
 * closing it.) Carriers alive before the test are not the test's: under {@code -javaagent} the
 * agent's own scheduler runs for the life of the JVM.
 */
final class NoThreadsLeft implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoThreadsLeft.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("before", Set.copyOf(candidates()));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterEach(ExtensionContext context) throws InterruptedException {
        Set<Thread> before = (Set<Thread>) context.getStore(NS).getOrDefault("before", Set.class, Set.of());
        long until = System.nanoTime() + 3_000_000_000L; // a closed scheduler's carriers finish their last lines
        List<Thread> left;
        while (!(left = leftBehind(before)).isEmpty() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        if (!left.isEmpty()) {
            StringBuilder sb = new StringBuilder("threads still alive after the test:");
            for (Thread t : left) {
                sb.append("\n  ").append(t).append(" ").append(t.getState());
                for (StackTraceElement e : t.getStackTrace()) sb.append("\n      at ").append(e);
            }
            throw new AssertionError(sb.toString());
        }
    }

    private static List<Thread> leftBehind(Set<Thread> before) {
        List<Thread> left = candidates();
        left.removeAll(before);
        return left;
    }

    private static List<Thread> candidates() {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (t.isAlive() && (n.startsWith(ThreadSource.PREFIX) || n.startsWith("weft-carrier-"))) {
                found.add(t);
            }
        }
        return found;
    }
}
