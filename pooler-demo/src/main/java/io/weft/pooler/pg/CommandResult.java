package io.weft.pooler.pg;

import java.time.Duration;
import java.util.List;

/**
 * How one bounded subprocess run ended.
 *
 * @param command  the command line as run (passwords never appear in it: they go through the
 *                 environment or standard input)
 * @param exitCode the exit code; meaningless (-1) when {@code timedOut}
 * @param stdout   everything it wrote to standard output, decoded as UTF-8
 * @param stderr   everything it wrote to standard error, decoded as UTF-8
 * @param elapsed  wall-clock time from start to exit (or to the kill)
 * @param timedOut whether it overran its timeout and was killed, with its descendants
 */
public record CommandResult(
        List<String> command, int exitCode, String stdout, String stderr, Duration elapsed, boolean timedOut) {

    public CommandResult {
        command = List.copyOf(command);
    }

    /** Exited by itself with code 0. */
    public boolean ok() {
        return !timedOut && exitCode == 0;
    }

    /** The command line as one string, for messages. */
    public String commandLine() {
        return String.join(" ", command);
    }

    /** "exit code 3 after 1.2 s" or "killed after the 30 s timeout". */
    public String outcome() {
        return timedOut
                ? "killed after its timeout (ran " + seconds(elapsed) + ")"
                : "exit code " + exitCode + " after " + seconds(elapsed);
    }

    /**
     * A multi-line description for error messages: the command, how it ended and the last
     * {@code maxLines} lines of its standard output and standard error.
     */
    public String describe(int maxLines) {
        StringBuilder sb = new StringBuilder();
        sb.append("command: ").append(commandLine()).append('\n');
        sb.append("outcome: ").append(outcome()).append('\n');
        appendTail(sb, "stdout", stdout, maxLines);
        appendTail(sb, "stderr", stderr, maxLines);
        return sb.toString();
    }

    /** Returns this result if {@link #ok()}, else throws a {@link PgException} saying why. */
    public CommandResult requireOk(String what) {
        if (!ok()) {
            throw new PgException(what + " failed\n" + describe(40), this);
        }
        return this;
    }

    static void appendTail(StringBuilder sb, String label, String text, int maxLines) {
        String tail = tail(text, maxLines);
        if (tail.isEmpty()) {
            sb.append(label).append(": (empty)\n");
        } else {
            sb.append(label).append(" (last lines):\n").append(tail);
            if (!tail.endsWith("\n")) {
                sb.append('\n');
            }
        }
    }

    /** The last {@code maxLines} lines of {@code text} (and at most 8000 characters). */
    static String tail(String text, int maxLines) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        int end = text.length();
        int at = end;
        int lines = 0;
        // Skip a trailing newline so it does not count as a line.
        int scan = text.endsWith("\n") ? end - 2 : end - 1;
        while (scan >= 0) {
            if (text.charAt(scan) == '\n' && ++lines >= maxLines) {
                break;
            }
            scan--;
        }
        at = scan + 1;
        if (end - at > 8000) {
            at = end - 8000;
        }
        return (at > 0 ? "  ...\n" : "") + text.substring(at);
    }

    static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }
}
