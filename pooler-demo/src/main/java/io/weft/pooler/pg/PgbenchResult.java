package io.weft.pooler.pg;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pgbench run: how it ended and what its summary said. A figure pgbench did not print (as
 * after {@code pgbench -i}, or a run that aborted) is {@code NaN} or {@code -1}.
 *
 * @param command                 the command line (the password is in the environment, not here)
 * @param exitCode                pgbench's exit code (0 ok, 1 bad arguments or connection at
 *                                start, 2 some client aborted or failed), -1 if it timed out
 * @param stdout                  standard output, where the summary is
 * @param stderr                  standard error: progress, errors
 * @param elapsed                 wall-clock time of the run
 * @param timedOut                killed after its timeout
 * @param tps                     transactions per second excluding the initial connection time
 *                                ("without initial connection time" since PostgreSQL 14,
 *                                "excluding connections establishing" before); the only tps
 *                                printed if neither is
 * @param transactionsProcessed   "number of transactions actually processed"
 * @param latencyAverageMs        "latency average", in milliseconds
 * @param initialConnectionTimeMs "initial connection time" (PostgreSQL 14+), in milliseconds
 * @param failedTransactions      "number of failed transactions" (PostgreSQL 15+); -1 if absent
 */
public record PgbenchResult(
        List<String> command,
        int exitCode,
        String stdout,
        String stderr,
        Duration elapsed,
        boolean timedOut,
        double tps,
        long transactionsProcessed,
        double latencyAverageMs,
        double initialConnectionTimeMs,
        long failedTransactions) {

    public PgbenchResult {
        command = List.copyOf(command);
    }

    private static final Pattern TPS = Pattern.compile("(?m)^tps = ([0-9.]+)(?: \\(([^)]*)\\))?");
    private static final Pattern PROCESSED =
            Pattern.compile("(?m)^number of transactions actually processed: (\\d+)");
    private static final Pattern LATENCY = Pattern.compile("(?m)^latency average = ([0-9.]+) ms");
    private static final Pattern CONNECTION = Pattern.compile("(?m)^initial connection time = ([0-9.]+) ms");
    private static final Pattern FAILED = Pattern.compile("(?m)^number of failed transactions: (\\d+)");

    /** Reads pgbench's summary out of a finished run. */
    public static PgbenchResult parse(CommandResult r) {
        String out = r.stdout();
        double tps = Double.NaN;
        Matcher m = TPS.matcher(out);
        while (m.find()) {
            String note = m.group(2) == null ? "" : m.group(2);
            boolean excludesConnections = note.contains("without initial connection") || note.contains("excluding");
            if (Double.isNaN(tps) || excludesConnections) {
                tps = Double.parseDouble(m.group(1));
            }
            if (excludesConnections) {
                break;
            }
        }
        return new PgbenchResult(
                r.command(), r.exitCode(), r.stdout(), r.stderr(), r.elapsed(), r.timedOut(),
                tps,
                firstLong(PROCESSED, out),
                firstDouble(LATENCY, out),
                firstDouble(CONNECTION, out),
                firstLong(FAILED, out));
    }

    /** Exited with 0 and reported no failed transactions. */
    public boolean ok() {
        return !timedOut && exitCode == 0 && failedTransactions <= 0;
    }

    /** Returns this run if {@link #ok()}, else throws a {@link PgException} with its output. */
    public PgbenchResult requireOk() {
        if (!ok()) {
            CommandResult asCommand = asCommandResult();
            throw new PgException("pgbench failed"
                    + (failedTransactions > 0 ? " (" + failedTransactions + " failed transactions)" : "")
                    + "\n" + asCommand.describe(40), asCommand);
        }
        return this;
    }

    public CommandResult asCommandResult() {
        return new CommandResult(command, exitCode, stdout, stderr, elapsed, timedOut);
    }

    /** One line: tps, transactions, latency, failures. */
    public String summary() {
        return String.format(Locale.ROOT,
                "tps=%.1f transactions=%d latency_avg=%.3fms initial_connect=%.3fms failed=%d exit=%d%s",
                tps, transactionsProcessed, latencyAverageMs, initialConnectionTimeMs, failedTransactions,
                exitCode, timedOut ? " (timed out)" : "");
    }

    private static long firstLong(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static double firstDouble(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
