package io.weft.poller.faults;

import io.weft.poller.faults.FaultOp.Fault;
import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * The test-only fault switch, {@code -Dweft.faults=SPEC} ({@link FaultSpec} gives the syntax):
 * chosen socket operations fail, or transfer fewer bytes, at the given rates, in both of the
 * poller's modes. {@code Libc} asks before its {@code recv}, {@code send}, {@code accept4},
 * {@code connect}, {@code poll} and {@code epoll_wait}; the io_uring poller asks when it queues
 * a {@code RECV}, {@code SEND}, {@code ACCEPT} or {@code CONNECT} and before it waits.
 *
 * <p>Free when off: {@link #ENABLED} is a static final read once, so {@code if (Faults.ENABLED)}
 * is folded away by the JIT and the hot paths are the ones that run without this class.
 *
 * <p>Process-wide, deterministic for a seed ({@link FaultPlan}); what was injected is in
 * {@link #injected()}, and one line with it goes to standard error when the JVM exits.
 */
public final class Faults {
    public static final String PROPERTY = "weft.faults";

    private static final FaultPlan PLAN;
    /** A spec that did not parse: {@link #check()} throws it where Weft starts. */
    private static final IllegalArgumentException BAD_SPEC;
    /** Whether faults are injected at all. */
    public static final boolean ENABLED;

    static {
        String value = System.getProperty(PROPERTY);
        FaultPlan plan = null;
        IllegalArgumentException bad = null;
        if (value != null && !value.isBlank()) {
            try {
                plan = new FaultPlan(FaultSpec.parse(value));
            } catch (IllegalArgumentException e) {
                bad = e;
            }
        }
        PLAN = plan;
        BAD_SPEC = bad;
        ENABLED = plan != null;
        if (ENABLED) {
            System.getLogger("io.weft.poller").log(Level.WARNING,
                    "weft.faults is on (test only): injecting " + PLAN.spec());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(PLAN.report()),
                    "weft-faults-report"));
        }
    }

    private Faults() {}

    /**
     * Throws if {@code weft.faults} is set but does not parse, naming the bad part. Called
     * where Weft starts ({@code Pollers.open}, socket creation), so that a typo fails at once
     * instead of running a test without the faults it meant to inject.
     */
    public static void check() {
        if (BAD_SPEC != null) {
            throw new IllegalArgumentException(BAD_SPEC.getMessage(), BAD_SPEC);
        }
    }

    /** The fault for this call of {@code op}, or null. Only under {@code if (Faults.ENABLED)}. */
    public static Fault draw(FaultOp op) {
        return PLAN.draw(op);
    }

    /** The fault for this call of {@code op} if it is {@code only}, else null ({@link FaultPlan#draw(FaultOp, Fault)}). */
    public static Fault draw(FaultOp op, Fault only) {
        return PLAN.draw(op, only);
    }

    /** A short length for a transfer of {@code count} bytes ({@link FaultPlan#shorter}). */
    public static long shorter(long count) {
        return PLAN.shorter(count);
    }

    /** The spec in force, or null when off. */
    public static FaultSpec spec() {
        return ENABLED ? PLAN.spec() : null;
    }

    /** What was injected so far ({@link FaultPlan#injected()}); empty when off. */
    public static Map<String, Long> injected() {
        return ENABLED ? PLAN.injected() : Map.of();
    }

    /** One line for reports: the spec and the counts. */
    public static String report() {
        return ENABLED ? PLAN.report() : "weft.faults: off";
    }
}
