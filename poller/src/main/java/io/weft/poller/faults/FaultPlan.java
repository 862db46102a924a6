package io.weft.poller.faults;

import io.weft.poller.faults.FaultOp.Fault;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The decisions of one {@link FaultSpec}: which call of which operation fails and how, with
 * counters of what was injected. Deterministic: the n-th call of an operation gets the same
 * decision for the same seed, whichever thread makes it (a hash of seed, operation and n, not
 * a shared random generator whose order would depend on the threads).
 *
 * <p>{@link Faults} holds the process's plan; tests make their own to check the rates.
 */
public final class FaultPlan {
    private static final int OPS = FaultOp.values().length;
    private static final int KINDS = Fault.values().length;

    private final FaultSpec spec;
    /** Per operation: the cumulative rates of its rules, and their faults, in spec order. */
    private final double[][] cumulative = new double[OPS][];
    private final Fault[][] choices = new Fault[OPS][];
    private final AtomicLongArray calls = new AtomicLongArray(OPS);
    private final AtomicLong shorts = new AtomicLong();
    private final AtomicLongArray injected = new AtomicLongArray(OPS * KINDS);

    public FaultPlan(FaultSpec spec) {
        this.spec = spec;
        for (FaultOp op : FaultOp.values()) {
            List<FaultSpec.Rule> rules = spec.rulesOf(op);
            double[] c = new double[rules.size()];
            Fault[] f = new Fault[rules.size()];
            double sum = 0;
            for (int i = 0; i < rules.size(); i++) {
                sum += rules.get(i).rate();
                c[i] = sum;
                f[i] = rules.get(i).fault();
            }
            cumulative[op.ordinal()] = c;
            choices[op.ordinal()] = f;
        }
    }

    public FaultSpec spec() {
        return spec;
    }

    /** The fault for the next call of {@code op}, or null for none; counts what it injects. */
    public Fault draw(FaultOp op) {
        return draw(op, null);
    }

    /**
     * {@link #draw(FaultOp)} for a call that can only fail with {@code only} (null: any of the
     * operation's faults). The others, drawn at their rates, are not injected and not counted,
     * so every call site of an operation sees each of its faults at the rate the spec gives:
     * {@code poll}'s {@code EINTR} applies to waiting calls, its {@code ECANCELED} to readiness
     * completions.
     */
    public Fault draw(FaultOp op, Fault only) {
        double[] c = cumulative[op.ordinal()];
        if (c.length == 0) {
            return null;
        }
        long n = calls.getAndIncrement(op.ordinal());
        double u = uniform(spec.seed() + (op.ordinal() + 1) * 0x9E37_79B9_7F4A_7C15L * (n + 1));
        for (int i = 0; i < c.length; i++) {
            if (u < c[i]) {
                Fault f = choices[op.ordinal()][i];
                if (only != null && f != only) {
                    return null;
                }
                injected.incrementAndGet(op.ordinal() * KINDS + f.ordinal());
                return f;
            }
        }
        return null;
    }

    /**
     * A length for a short transfer of {@code count} bytes: from 1 to {@code count - 1}, evenly
     * spread, so that one-byte and nearly whole transfers both occur ({@code count} itself when
     * it is 1 or less: nothing is shorter than one byte).
     */
    public long shorter(long count) {
        if (count <= 1) {
            return count;
        }
        long r = mix(spec.seed() ^ 0x5DEE_CE66_DL * (shorts.getAndIncrement() + 1)) >>> 1;
        return 1 + r % (count - 1);
    }

    /** How often each fault was injected, as {@code "recv:EAGAIN" -> count}, nonzero ones only. */
    public Map<String, Long> injected() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (FaultOp op : FaultOp.values()) {
            for (Fault f : Fault.values()) {
                long n = injected.get(op.ordinal() * KINDS + f.ordinal());
                if (n > 0) {
                    counts.put(op.specName() + ":" + f.specName(), n);
                }
            }
        }
        return counts;
    }

    /** Calls of {@code op} that asked for a decision. */
    public long calls(FaultOp op) {
        return calls.get(op.ordinal());
    }

    /** One line: the spec, what was injected and out of how many calls, e.g. for a soak report. */
    public String report() {
        StringBuilder b = new StringBuilder("weft.faults injected (").append(spec).append("):");
        Map<String, Long> counts = injected();
        if (counts.isEmpty()) {
            b.append(" nothing");
        }
        counts.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        for (FaultOp op : FaultOp.values()) {
            if (!spec.rulesOf(op).isEmpty()) {
                b.append("; ").append(op.specName()).append(" calls=").append(calls(op));
            }
        }
        return b.toString();
    }

    /** A double in [0, 1) from {@code x}. */
    private static double uniform(long x) {
        return (mix(x) >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finaliser: nearby inputs give independent-looking outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
