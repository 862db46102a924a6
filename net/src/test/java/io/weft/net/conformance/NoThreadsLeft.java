package io.weft.net.conformance;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test: no platform thread a conformance row started, and no Weft carrier, is
 * still alive. (Virtual threads are not listed by the JVM; {@link ThreadSource} joins each
 * one it made and checks the Weft scheduler's live count before closing it.)
 */
final class NoThreadsLeft implements AfterEachCallback {
    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        long until = System.nanoTime() + 3_000_000_000L; // a closed scheduler's carriers finish their last lines
        List<Thread> left;
        while (!(left = leftBehind()).isEmpty() && System.nanoTime() < until) {
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

    private static List<Thread> leftBehind() {
        List<Thread> left = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (t.isAlive() && (n.startsWith(ThreadSource.PREFIX) || n.startsWith("weft-carrier-"))) {
                left.add(t);
            }
        }
        return left;
    }
}
