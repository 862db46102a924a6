package io.weft.net.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.opentest4j.AssertionFailedError;

/**
 * What one row of one test observed, step by step: each line is {@code step -> outcome} (a
 * value, or an exception's class and, where the test asserts it, message). Every step is also
 * an assertion against the concrete outcome the JDK gives; the lines themselves are what
 * {@link SameResultsTest} compares between each row and its JDK reference.
 *
 * <p>Only the test body's own thread writes here, so the order of the lines never depends on
 * how threads were scheduled.
 */
final class Trace {
    private final List<String> lines = new ArrayList<>();
    private volatile Thread owner;

    void ownedBy(Thread thread) {
        owner = thread;
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    private synchronized void add(String step, String outcome) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("only the test body's thread records steps (step '" + step + "' came from "
                    + Thread.currentThread() + "): collect results with Forked.join() instead");
        }
        lines.add(step + " -> " + outcome);
    }

    /** Runs {@code action}, records what it returned, and asserts that it returned {@code expected}. */
    <T> T expect(String step, T expected, Callable<T> action) throws Exception {
        T actual;
        try {
            actual = action.call();
        } catch (Exception e) {
            add(step, "threw " + describe(e));
            throw new AssertionFailedError(step + ": expected " + describe(expected) + " but threw " + describe(e),
                    describe(expected), describe(e), e);
        }
        add(step, describe(actual));
        if (!Objects.equals(expected, actual)) {
            throw new AssertionFailedError(step + ": expected " + describe(expected) + " but was " + describe(actual),
                    describe(expected), describe(actual));
        }
        return actual;
    }

    /**
     * Runs {@code action}, records the exception it threw, and asserts its exact class and,
     * unless {@code message} is null (where the JDK's wording depends on timing or errno), its
     * exact message.
     */
    void expectThrows(String step, Class<? extends Throwable> type, String message, Callable<?> action) {
        String expected = message == null ? name(type) : name(type) + ": " + message;
        Object returned;
        try {
            returned = action.call();
        } catch (Throwable e) {
            String actual = message == null ? name(e.getClass()) : describe(e);
            add(step, actual);
            if (!expected.equals(actual)) {
                throw new AssertionFailedError(step + ": expected " + expected + " but threw " + describe(e), expected,
                        describe(e), e);
            }
            return;
        }
        add(step, "returned " + describe(returned));
        throw new AssertionFailedError(step + ": expected " + expected + " but returned " + describe(returned), expected,
                "returned " + describe(returned));
    }

    /**
     * {@link #expectThrows} for a blocking call with a timeout, which must also have waited
     * (nearly) the whole timeout: 10% early is tolerated for timers that round.
     */
    void expectTimesOut(String step, Class<? extends Throwable> type, String message, long timeoutMillis,
                        Callable<?> action) {
        long t0 = System.nanoTime();
        AssertionFailedError wrong = null;
        try {
            expectThrows(step, type, message, action);
        } catch (AssertionFailedError e) {
            wrong = e;
        }
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        boolean waitedEnough = waited >= timeoutMillis * 9 / 10;
        add(step + ": waited its timeout", String.valueOf(waitedEnough));
        if (wrong != null) {
            throw wrong;
        }
        if (!waitedEnough) {
            throw new AssertionFailedError(step + ": gave up after " + waited + " ms, timeout " + timeoutMillis + " ms");
        }
    }

    /**
     * Records a value the test cannot predict in absolute terms (a buffer size the kernel
     * rounds, a count that depends on the kernel's backlog accounting); the caller asserts
     * what it can about it, and {@link SameResultsTest} checks every row saw the same.
     */
    <T> T observe(String step, T value) {
        add(step, describe(value));
        return value;
    }

    static String describe(Object value) {
        if (value instanceof Throwable e) {
            return describe(e);
        }
        return String.valueOf(value);
    }

    /** {@code SocketException: Socket closed}: the class (simple for java.*) and the first line of the message. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null) {
            return name(e.getClass());
        }
        int nl = message.indexOf('\n');
        return name(e.getClass()) + ": " + (nl < 0 ? message : message.substring(0, nl));
    }

    static String name(Class<?> type) {
        return type.getName().startsWith("java.") ? type.getSimpleName() : type.getName();
    }
}
