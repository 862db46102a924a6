package io.weft.bench.poller;

/**
 * Runs the poller benchmarks and prints, after JMH's own table, each weft backend's score as a
 * ratio against the JDK {@code Selector} baseline ({@code jdkSelector}) measured in the same run
 * with the same parameters. The work is {@link io.weft.bench.Ratios}'; see it for the command
 * line and how to read the ratio. Without an include pattern it runs {@code io.weft.bench.poller.*}.
 */
public final class Ratios {
    private Ratios() {}

    public static void main(String[] args) throws Exception {
        io.weft.bench.Ratios.run(args, "io\\.weft\\.bench\\.poller\\..*", "Weft pollers against the JDK's Selector");
    }
}
