package io.weft.bench.scheduler;

/**
 * Runs the scheduler benchmarks and prints, after JMH's own table, each weft scheduler's score
 * as a ratio against the JDK's default virtual-thread scheduler ({@code jdk}) measured in the
 * same run with the same parameters. The work is {@link io.weft.bench.Ratios}'; see it for the
 * command line and how to read the ratio. Without an include pattern it runs
 * {@code io.weft.bench.scheduler.*}.
 */
public final class Ratios {
    private Ratios() {}

    public static void main(String[] args) throws Exception {
        io.weft.bench.Ratios.run(args, "io\\.weft\\.bench\\.scheduler\\..*",
                "Weft schedulers against the JDK's default virtual-thread scheduler");
    }
}
