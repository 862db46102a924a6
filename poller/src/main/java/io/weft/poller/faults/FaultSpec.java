package io.weft.poller.faults;

import io.weft.poller.faults.FaultOp.Fault;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed {@code weft.faults} value: which operations fail, how, and how often.
 *
 * <pre>
 *   spec  = part ("," part)*
 *   part  = op ":" fault ":" rate     e.g. recv:EAGAIN:0.05, send:short:0.2
 *         | "seed=" long              the random sequence (default 1)
 *   op    = recv | send | accept | connect | poll
 *   fault = EAGAIN | EINTR | ENOBUFS | ECANCELED | ECONNRESET | ECONNABORTED | short
 *   rate  = a probability from 0 to 1 per call
 * </pre>
 *
 * The rates of one operation add up to at most 1. Anything else is refused with an
 * {@link IllegalArgumentException} that quotes the part it could not use.
 *
 * @param rules a rule list per operation (absent: never fails)
 */
public record FaultSpec(Map<FaultOp, List<Rule>> rules, long seed) {

    /** {@code fault} with probability {@code rate} on each call of {@code op}. */
    public record Rule(FaultOp op, Fault fault, double rate) {
        @Override
        public String toString() {
            return op.specName() + ":" + fault.specName() + ":" + rate;
        }
    }

    public FaultSpec {
        rules = Map.copyOf(rules);
    }

    /** Parses {@code spec} (the value of {@code weft.faults}). */
    public static FaultSpec parse(String spec) {
        Map<FaultOp, List<Rule>> rules = new EnumMap<>(FaultOp.class);
        long seed = 1;
        for (String raw : spec.split(",")) {
            String part = raw.trim();
            if (part.isEmpty()) {
                continue;
            }
            if (part.startsWith("seed=")) {
                try {
                    seed = Long.parseLong(part.substring(5).trim());
                } catch (NumberFormatException e) {
                    throw bad(part, "the seed is not a whole number");
                }
                continue;
            }
            String[] f = part.split(":", -1);
            if (f.length != 3) {
                throw bad(part, "expected op:fault:rate, e.g. recv:EAGAIN:0.05");
            }
            FaultOp op = op(part, f[0].trim());
            Fault fault = fault(part, f[1].trim());
            if (!op.allows(fault)) {
                throw bad(part, op.specName() + " cannot fail with " + fault.specName() + " (possible: "
                        + op.possibleNames() + ")");
            }
            double rate;
            try {
                rate = Double.parseDouble(f[2].trim());
            } catch (NumberFormatException e) {
                throw bad(part, "the rate is not a number");
            }
            if (!(rate >= 0 && rate <= 1)) {
                throw bad(part, "the rate must be from 0 to 1");
            }
            List<Rule> list = rules.computeIfAbsent(op, k -> new ArrayList<>());
            double sum = rate;
            for (Rule r : list) {
                if (r.fault() == fault) {
                    throw bad(part, op.specName() + ":" + fault.specName() + " is given twice");
                }
                sum += r.rate();
            }
            if (sum > 1 + 1e-9) {
                throw bad(part, "the rates of " + op.specName() + " add up to more than 1");
            }
            list.add(new Rule(op, fault, rate));
        }
        Map<FaultOp, List<Rule>> frozen = new EnumMap<>(FaultOp.class);
        rules.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new FaultSpec(frozen, seed);
    }

    private static FaultOp op(String part, String name) {
        try {
            return FaultOp.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad(part, "unknown operation '" + name + "' (recv, send, accept, connect, poll)");
        }
    }

    private static Fault fault(String part, String name) {
        if (name.equalsIgnoreCase("short")) {
            return Fault.SHORT;
        }
        try {
            Fault f = Fault.valueOf(name.toUpperCase(Locale.ROOT));
            if (f != Fault.SHORT) {
                return f;
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw bad(part, "unknown fault '" + name + "' (EAGAIN, EINTR, ENOBUFS, ECANCELED, ECONNRESET, ECONNABORTED, short)");
    }

    private static IllegalArgumentException bad(String part, String why) {
        return new IllegalArgumentException("weft.faults: bad part '" + part + "': " + why);
    }

    /** The rules of {@code op}, empty when it never fails. */
    public List<Rule> rulesOf(FaultOp op) {
        return rules.getOrDefault(op, List.of());
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (FaultOp op : FaultOp.values()) {
            for (Rule r : rulesOf(op)) {
                b.append(r).append(',');
            }
        }
        return b.append("seed=").append(seed).toString();
    }
}
