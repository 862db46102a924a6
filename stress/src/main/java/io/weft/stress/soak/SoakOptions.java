package io.weft.stress.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code ./weft stress soak}.
 *
 * @param seconds      load time per backend
 * @param connections  concurrent connections per backend
 * @param backends     in order
 * @param faults       passed to the server JVM as {@code -Dweft.faults=SPEC}, or null
 * @param stuckSeconds a connection that moves no byte for this long (outside a deliberate
 *                     stall) is stuck; also the bound on the drain at the end
 * @param interval     seconds between progress lines
 * @param seed         of the clients' random choices (printed, so a failure can be replayed)
 * @param serverFlags  extra JVM flags for the server (tests: {@code -Dweft.soak.flaw=...})
 */
record SoakOptions(int seconds, int connections, List<SoakBackend> backends, String faults, int stuckSeconds,
                   int interval, long seed, List<String> serverFlags) {

    static final String USAGE = """
            usage: ./weft stress soak [--minutes N] [--connections N] [--backends io_uring,io_uring-multishot,io_uring-readiness,epoll]
                                      [--faults SPEC] [--stuck-seconds S] [--interval S] [--seed X] [--seconds S]
              --minutes N        load time per backend (default 3; decimals allowed; --seconds for short runs)
              --connections N    concurrent connections per backend (default 10000)
              --backends LIST    default: io_uring,io_uring-multishot,io_uring-readiness,epoll
              --faults SPEC      passed to the server as -Dweft.faults=SPEC (fault injection)
              --stuck-seconds S  a connection without progress for S seconds fails the run (default 60)
              --interval S       seconds between progress lines (default 10)
              --seed X           the clients' random seed (default: from the clock; printed)
            """;

    static SoakOptions parse(String[] args) {
        int seconds = 180, connections = 10_000, stuck = 60, interval = 10;
        List<SoakBackend> backends = List.of(SoakBackend.values());
        String faults = null;
        long seed = System.nanoTime();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) throw new IllegalArgumentException((String) null);
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
            String v = args[++i];
            try {
                switch (a) {
                    case "--minutes" -> seconds = (int) Math.round(Double.parseDouble(v) * 60);
                    case "--seconds" -> seconds = Integer.parseInt(v);
                    case "--connections" -> connections = Integer.parseInt(v);
                    case "--backends" -> {
                        List<SoakBackend> l = new ArrayList<>();
                        for (String b : v.split(",")) if (!b.isBlank()) l.add(SoakBackend.parse(b));
                        backends = List.copyOf(l);
                    }
                    case "--faults" -> faults = v;
                    case "--stuck-seconds" -> stuck = Integer.parseInt(v);
                    case "--interval" -> interval = Integer.parseInt(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(a + " " + v + ": not a number");
            }
        }
        if (seconds < 5) throw new IllegalArgumentException("the load must last at least 5 seconds");
        if (connections < 1) throw new IllegalArgumentException("--connections must be at least 1");
        if (backends.isEmpty()) throw new IllegalArgumentException("--backends names none");
        if (stuck < 5 || interval < 1) throw new IllegalArgumentException("--stuck-seconds >= 5 and --interval >= 1");
        return new SoakOptions(seconds, connections, backends, faults, stuck, interval, seed, List.of());
    }

    SoakOptions withServerFlags(List<String> flags) {
        return new SoakOptions(seconds, connections, backends, faults, stuckSeconds, interval, seed, List.copyOf(flags));
    }
}
