package io.weft.pooler.pg;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs PostgreSQL's programs (initdb, pg_ctl, psql, pgbench) as bounded subprocesses: every
 * run has a timeout, and a run that overruns it is killed together with its descendants.
 * Output goes to temporary files rather than pipes, so a grandchild that keeps a descriptor open
 * (as a server started by {@code pg_ctl} could) never makes a run hang.
 *
 * <p>Every run gets a clean environment: the caller's, without any {@code PG*} variable (a stray
 * {@code PGHOST}, {@code PGPASSWORD} or {@code PGOPTIONS} would change what the tools do), without
 * {@code LC_ALL}/{@code LANGUAGE}, with {@code LC_MESSAGES=C} (untranslated messages, so pgbench's
 * output parses), {@code PGCLIENTENCODING=UTF8} and {@code PGCONNECT_TIMEOUT=10}; then the
 * variables the caller passes.
 */
public final class PgTools {
    /** System property naming the directory that holds initdb, pg_ctl, postgres. */
    public static final String BIN_PROPERTY = "weft.pg.bin";
    /** Environment variable naming that directory, read when the property is not set. */
    public static final String BIN_ENV = "PG_BIN";
    /** What to install when no PostgreSQL server is found. */
    public static final String INSTALL_HINT =
            "install the PostgreSQL server and client (Debian/Ubuntu: apt-get install postgresql-15"
                    + " postgresql-client-15, which puts initdb, pg_ctl, postgres, psql and pgbench in"
                    + " /usr/lib/postgresql/15/bin), or point -D" + BIN_PROPERTY + "=DIR or " + BIN_ENV
                    + "=DIR at a directory holding initdb";

    /** The default connect timeout, in seconds, that every run gets unless it passes its own. */
    public static final String DEFAULT_CONNECT_TIMEOUT = "10";

    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private final Path binDir;

    /** Tools from {@code binDir}; a tool missing there is looked up on PATH. */
    public PgTools(Path binDir) {
        this.binDir = binDir.toAbsolutePath().normalize();
    }

    /** Tools from {@link #requireBinDir()}. */
    public static PgTools locate() {
        return new PgTools(requireBinDir());
    }

    public Path binDir() {
        return binDir;
    }

    // ---------------------------------------------------------------------------------------
    // Finding PostgreSQL

    /**
     * The PostgreSQL server's bin directory: the system property {@value #BIN_PROPERTY}, else the
     * environment variable {@value #BIN_ENV}, else the newest {@code /usr/lib/postgresql/N/bin}
     * holding {@code initdb}, else the directory of an {@code initdb} on PATH. Empty if there is
     * none. A property or variable that is set but names no directory with initdb is an error,
     * not a reason to look elsewhere.
     */
    public static Optional<Path> findBinDir() {
        String explicit = System.getProperty(BIN_PROPERTY);
        String source = "-D" + BIN_PROPERTY;
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv(BIN_ENV);
            source = BIN_ENV;
        }
        if (explicit != null && !explicit.isBlank()) {
            Path dir = Path.of(explicit.trim());
            if (!Files.isExecutable(dir.resolve("initdb"))) {
                throw new PgException(source + "=" + explicit + " has no executable initdb; " + INSTALL_HINT);
            }
            return Optional.of(dir.toAbsolutePath().normalize());
        }
        if (Files.isDirectory(DEBIAN_ROOT)) {
            try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
                Optional<Path> newest = versions
                        .filter(v -> Files.isExecutable(v.resolve("bin").resolve("initdb")))
                        .max(Comparator.comparing(PgTools::versionKey))
                        .map(v -> v.resolve("bin"));
                if (newest.isPresent()) {
                    return newest;
                }
            } catch (IOException e) {
                // fall through to PATH
            }
        }
        return onPath("initdb").map(Path::getParent);
    }

    /** {@link #findBinDir()}, or a {@link PgException} saying what to install. */
    public static Path requireBinDir() {
        return findBinDir().orElseThrow(() -> new PgException(
                "no PostgreSQL server found (no " + DEBIAN_ROOT + "/*/bin/initdb, no initdb on PATH, neither -D"
                        + BIN_PROPERTY + " nor " + BIN_ENV + " set): " + INSTALL_HINT));
    }

    /** "15" sorts after "9.6": compare the numeric parts of the version directory's name. */
    private static String versionKey(Path versionDir) {
        StringBuilder key = new StringBuilder();
        for (String part : versionDir.getFileName().toString().split("\\.")) {
            String digits = part.replaceAll("\\D", "");
            key.append(String.format("%08d", digits.isEmpty() ? 0 : Long.parseLong(digits.substring(0, Math.min(8, digits.length())))));
        }
        return key.toString();
    }

    /** The absolute path of {@code name}: from the bin directory if it is there, else from PATH. */
    public String tool(String name) {
        Path inBin = binDir.resolve(name);
        if (Files.isExecutable(inBin)) {
            return inBin.toString();
        }
        return onPath(name).map(Path::toString).orElseThrow(() -> new PgException(
                name + " is neither in " + binDir + " nor on PATH; " + INSTALL_HINT));
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------------
    // Running commands

    /** The environment every run starts from (see the class comment). */
    public static Map<String, String> baseEnvironment() {
        Map<String, String> env = new HashMap<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("PG") || k.equals("LC_ALL") || k.equals("LANGUAGE")) {
                continue;
            }
            env.put(k, e.getValue());
        }
        env.put("LC_MESSAGES", "C");
        env.put("PGCLIENTENCODING", "UTF8");
        env.put("PGCONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT);
        return env;
    }

    /**
     * Runs {@code command} and waits for it at most {@code timeout}; on expiry kills it and all its
     * descendants and returns a result with {@code timedOut} set. Never throws for a non-zero exit:
     * see {@link CommandResult#requireOk(String)}.
     *
     * @param extraEnv added to {@link #baseEnvironment()} (a {@code null} value removes a variable)
     * @param workDir  working directory, or {@code null} for the JVM's
     * @param stdin    standard input, or {@code null} for /dev/null
     */
    public static CommandResult run(
            List<String> command, Map<String, String> extraEnv, Path workDir, String stdin, Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("every run needs a positive timeout, got " + timeout);
        }
        Path out = null;
        Path err = null;
        Path in = null;
        long start = System.nanoTime();
        try {
            out = Files.createTempFile("weft-pg-", ".out");
            err = Files.createTempFile("weft-pg-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (stdin == null) {
                pb.redirectInput(new File("/dev/null"));
            } else {
                in = Files.createTempFile("weft-pg-", ".in");
                Files.writeString(in, stdin, StandardCharsets.UTF_8);
                pb.redirectInput(in.toFile());
            }
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            Map<String, String> env = pb.environment();
            env.clear();
            env.putAll(baseEnvironment());
            if (extraEnv != null) {
                extraEnv.forEach((k, v) -> {
                    if (v == null) {
                        env.remove(k);
                    } else {
                        env.put(k, v);
                    }
                });
            }
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new PgException("could not start " + String.join(" ", command) + ": " + e.getMessage(), e);
            }
            boolean finished;
            try {
                finished = p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                killTree(p.toHandle(), Duration.ofSeconds(5));
                Thread.currentThread().interrupt();
                throw new PgException("interrupted while running " + String.join(" ", command), e);
            }
            if (!finished) {
                killTree(p.toHandle(), Duration.ofSeconds(5));
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            int code = finished ? p.exitValue() : -1;
            return new CommandResult(command, code, read(out), read(err), elapsed, !finished);
        } catch (IOException e) {
            throw new UncheckedIOException("running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
            deleteQuietly(in);
        }
    }

    /**
     * Kills {@code root} and everything it started (SIGKILL), then waits up to {@code wait} for
     * them to be gone. Returns whether they all are.
     */
    public static boolean killTree(ProcessHandle root, Duration wait) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root);
        all.addAll(root.descendants().toList());
        for (ProcessHandle h : all) {
            h.destroyForcibly();
        }
        // The descendants of a killed parent are re-parented, not killed: look again once.
        for (ProcessHandle h : List.copyOf(all)) {
            h.descendants().forEach(d -> {
                d.destroyForcibly();
                all.add(d);
            });
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (ProcessHandle h : all) {
            waitGone(h, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        return all.stream().noneMatch(PgTools::isRunning);
    }

    /**
     * Whether {@code h} is still running: alive and not a zombie. A killed or stopped postmaster
     * is re-parented to PID 1, and an init that reaps slowly (seen: about 1.7 s in a Firecracker
     * VM) leaves a zombie that {@link ProcessHandle#isAlive()} still reports as alive.
     */
    public static boolean isRunning(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            int close = stat.lastIndexOf(')');
            if (close >= 0 && close + 2 < stat.length()) {
                char state = stat.charAt(close + 2);
                return state != 'Z' && state != 'X' && state != 'x';
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile, or no /proc: trust isAlive
            return h.isAlive();
        }
        return true;
    }

    /** Waits up to {@code wait} for {@code h} to stop {@link #isRunning running}. */
    public static boolean waitGone(ProcessHandle h, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (isRunning(h) && System.nanoTime() < deadline) {
            sleep(10);
        }
        return !isRunning(h);
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether this JVM runs as root (effective uid 0), from /proc/self/status, else {@code id -u}. */
    public static boolean currentUserIsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).trim().split("\\s+");
                    return f.length > 1 && f[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc
        }
        try {
            CommandResult r = run(List.of("id", "-u"), Map.of(), null, null, Duration.ofSeconds(10));
            return r.ok() && r.stdout().trim().equals("0");
        } catch (RuntimeException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------
    // psql and pgbench

    /**
     * Where a client connects. {@code host} is a host name or address for TCP, or a directory
     * (starting with '/') for the Unix socket; {@code password} may be {@code null}.
     */
    public record Target(String host, int port, String user, String database, String password) {
        public Target withDatabase(String db) {
            return new Target(host, port, user, db, password);
        }

        public Target withUser(String newUser, String newPassword) {
            return new Target(host, port, newUser, database, newPassword);
        }

        /** PGHOST, PGPORT, PGUSER, PGDATABASE and PGPASSWORD for this target (nulls left out). */
        public Map<String, String> environment() {
            Map<String, String> env = new HashMap<>();
            if (host != null) {
                env.put("PGHOST", host);
            }
            if (port > 0) {
                env.put("PGPORT", Integer.toString(port));
            }
            if (user != null) {
                env.put("PGUSER", user);
            }
            if (database != null) {
                env.put("PGDATABASE", database);
            }
            if (password != null) {
                env.put("PGPASSWORD", password);
            }
            return env;
        }
    }

    /**
     * Runs {@code sql} (one or many statements) through {@code psql -X -q -t --csv -v
     * ON_ERROR_STOP=1 -f -}: no psqlrc, no command tags, rows as CSV, stop at the first error
     * (exit code 3), SQL on standard input so no password or literal shows in the process list.
     * Does not throw when psql fails: look at the result.
     */
    public CommandResult psql(Target target, String sql, Duration timeout) {
        List<String> cmd = new ArrayList<>(List.of(
                tool("psql"), "-X", "-q", "-t", "--csv", "-v", "ON_ERROR_STOP=1",
                "-h", target.host(), "-p", Integer.toString(target.port()),
                "-U", target.user(), "-d", target.database(), "-f", "-"));
        Map<String, String> env = new HashMap<>();
        if (target.password() != null) {
            env.put("PGPASSWORD", target.password());
        }
        return run(cmd, env, null, sql, timeout);
    }

    /**
     * {@link #psql} with more environment variables, such as {@code PGSSLMODE} and
     * {@code PGSSLROOTCERT}, added last.
     */
    public CommandResult psql(Target target, String sql, Map<String, String> extraEnv, Duration timeout) {
        List<String> cmd = new ArrayList<>(List.of(
                tool("psql"), "-X", "-q", "-t", "--csv", "-v", "ON_ERROR_STOP=1",
                "-h", target.host(), "-p", Integer.toString(target.port()),
                "-U", target.user(), "-d", target.database(), "-f", "-"));
        Map<String, String> env = new HashMap<>();
        if (target.password() != null) {
            env.put("PGPASSWORD", target.password());
        }
        env.putAll(extraEnv);
        return run(cmd, env, null, sql, timeout);
    }

    /** {@link #psql} that must succeed; returns its rows (a NULL reads as ""). */
    public List<List<String>> query(Target target, String sql, Duration timeout) {
        CommandResult r = psql(target, sql, timeout);
        if (!r.ok()) {
            throw new PgException("psql as " + target.user() + "@" + target.host() + ":" + target.port() + "/"
                    + target.database() + " failed\nsql: " + abbreviate(sql, 500) + "\n" + r.describe(40), r);
        }
        return parseCsv(r.stdout());
    }

    /**
     * Runs pgbench with {@code args}. {@code defaults} (may be {@code null}) fills PGHOST, PGPORT,
     * PGUSER, PGDATABASE and PGPASSWORD, which the arguments override; {@code extraEnv} (may be
     * {@code null}) comes last. A {@code null} timeout means {@link #suggestedPgbenchTimeout}.
     */
    public PgbenchResult pgbench(Target defaults, List<String> args, Map<String, String> extraEnv, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool("pgbench"));
        cmd.addAll(args);
        Map<String, String> env = new HashMap<>();
        if (defaults != null) {
            env.putAll(defaults.environment());
        }
        if (extraEnv != null) {
            env.putAll(extraEnv);
        }
        Duration t = timeout != null ? timeout : suggestedPgbenchTimeout(args);
        return PgbenchResult.parse(run(cmd, env, null, null, t));
    }

    private static final Pattern TIME_ARG = Pattern.compile("^(?:-T|--time=)(\\d+)$");

    /** {@code -T N} plus two minutes when the arguments give a duration, else ten minutes. */
    public static Duration suggestedPgbenchTimeout(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            Matcher m = TIME_ARG.matcher(a);
            String seconds = null;
            if (m.matches()) {
                seconds = m.group(1);
            } else if ((a.equals("-T") || a.equals("--time")) && i + 1 < args.size()) {
                seconds = args.get(i + 1);
            }
            if (seconds != null && seconds.matches("\\d+")) {
                return Duration.ofSeconds(Long.parseLong(seconds) + 120);
            }
        }
        return Duration.ofMinutes(10);
    }

    /**
     * Parses psql's CSV output (RFC 4180: fields separated by commas, quoted with double quotes
     * when they hold a comma, quote or line break) into rows. psql prints NULL as an empty field.
     */
    public static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean pending = false; // characters seen since the last record ended
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
                continue;
            }
            pending = true;
            switch (c) {
                case '"' -> quoted = true;
                case ',' -> {
                    row.add(field.toString());
                    field.setLength(0);
                }
                case '\r' -> {
                    if (!(i + 1 < n && text.charAt(i + 1) == '\n')) {
                        field.append(c);
                    }
                }
                case '\n' -> {
                    row.add(field.toString());
                    field.setLength(0);
                    rows.add(List.copyOf(row));
                    row.clear();
                    pending = false;
                }
                default -> field.append(c);
            }
        }
        if (pending) {
            row.add(field.toString());
            rows.add(List.copyOf(row));
        }
        return rows;
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
