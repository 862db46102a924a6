package io.weft.bench.agent;

import io.weft.bench.DebianPackage;
import io.weft.pooler.pg.CommandResult;
import io.weft.pooler.pg.PgTools;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** wrk, the HTTP load generator (Debian's package, installed when missing): runs it and reads its summary. */
final class Wrk {
    private final Path exe;

    private Wrk(Path exe) {
        this.exe = exe;
    }

    /** wrk, installed with apt-get first if allowed and needed; empty (with the reason printed) if there is none. */
    static Optional<Wrk> locateOrInstall(boolean install, PrintStream out) {
        return DebianPackage.locateOrInstall("wrk", "wrk", "wrk", install, "the agent benchmark needs it", out, () -> { })
                .map(Wrk::new);
    }

    /** "wrk 4.1.0" (wrk -v prints its version and exits with status 1). */
    String version() {
        CommandResult r = PgTools.run(List.of(exe.toString(), "-v"), Map.of(), null, null, Duration.ofSeconds(10));
        String all = r.stdout() + "\n" + r.stderr();
        Matcher m = Pattern.compile("wrk (\\S+)").matcher(all);
        return m.find() ? "wrk " + m.group(1) : "wrk";
    }

    /** One closed-loop run: {@code connections} connections over {@code threads} threads for {@code seconds}. */
    Result run(String url, int threads, int connections, int seconds) {
        List<String> cmd = List.of(exe.toString(), "-t", Integer.toString(threads), "-c", Integer.toString(connections),
                "-d", seconds + "s", "--timeout", "10s", "--latency", url);
        CommandResult r = PgTools.run(cmd, Map.of(), null, null, Duration.ofSeconds(seconds + 60L));
        if (!r.ok()) {
            throw new IllegalStateException("wrk failed (" + r.outcome() + ")\n" + r.describe(20));
        }
        return Result.parse(r.stdout());
    }

    /**
     * What wrk reported.
     *
     * @param errors socket errors (connect, read, write, timeout) plus responses that were not 2xx or 3xx
     */
    record Result(double requestsPerSecond, long requests, double p50Millis, double p99Millis, long errors, String raw) {
        private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
        private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
        private static final Pattern SOCKET_ERRORS =
                Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
        private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

        static Result parse(String out) {
            long errors = 0;
            Matcher s = SOCKET_ERRORS.matcher(out);
            if (s.find()) {
                for (int g = 1; g <= 4; g++) errors += Long.parseLong(s.group(g));
            }
            Matcher n = NON_2XX.matcher(out);
            if (n.find()) errors += Long.parseLong(n.group(1));
            return new Result(number(RPS, out), (long) number(TOTAL, out), percentile(out, "50%"), percentile(out, "99%"),
                    errors, out);
        }

        private static double number(Pattern p, String out) {
            Matcher m = p.matcher(out);
            if (!m.find()) throw new IllegalStateException("no " + p + " in wrk's output:\n" + out);
            return Double.parseDouble(m.group(1));
        }

        /** A line of the latency distribution ("     99%    8.00ms"), in milliseconds. */
        private static double percentile(String out, String which) {
            Matcher m = Pattern.compile("^\\s*" + Pattern.quote(which) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE)
                    .matcher(out);
            if (!m.find()) throw new IllegalStateException("no " + which + " latency in wrk's output:\n" + out);
            double v = Double.parseDouble(m.group(1));
            return switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "us" -> v / 1000;
                case "s" -> v * 1000;
                default -> v;
            };
        }
    }
}
