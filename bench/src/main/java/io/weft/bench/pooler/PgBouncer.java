package io.weft.bench.pooler;

import io.weft.bench.DebianPackage;
import io.weft.pooler.pg.CommandResult;
import io.weft.pooler.pg.DirectoryTree;
import io.weft.pooler.pg.PgTools;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A throwaway PgBouncer (Debian's package) in front of the benchmark's PostgreSQL: a generated
 * pgbouncer.ini in a temporary directory, loopback on a free port, run in the foreground as the
 * {@code postgres} OS user when the JVM is root (PgBouncer refuses to run as root).
 * {@link #close()} stops it (SIGTERM, then SIGKILL) and deletes the directory; a shutdown hook
 * does the same if the JVM is stopped first.
 */
final class PgBouncer implements AutoCloseable {
    private static final String OS_USER_WHEN_ROOT = "postgres";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    /** Everything a start needs. */
    record Settings(Path exe, int serverPort, String database, String user, String password, String poolMode,
                    int poolSize, int maxClients) {}

    private final Path dir;
    private final int port;
    private final Process process;
    private boolean closed; // guarded by this
    private final Thread hook;
    private volatile long pid = -1;

    private PgBouncer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.hook = new Thread(this::close, "weft-bench-pgbouncer-stop");
    }

    // -------------------------------------------------------------------------------------
    // Finding or installing it

    /** pgbouncer on PATH, or in Debian's /usr/sbin (not on a non-root PATH). */
    static Optional<Path> locate() {
        return DebianPackage.locate("pgbouncer");
    }

    /**
     * pgbouncer, installed with {@code apt-get install -y pgbouncer} first if it is missing and
     * {@code install} allows it (root only). Empty, with the reason printed, if there is none.
     */
    static Optional<Path> locateOrInstall(boolean install, PrintStream out) {
        return DebianPackage.locateOrInstall("PgBouncer", "pgbouncer", "pgbouncer", install,
                "running without the PgBouncer column", out, () -> stopPackagedService(out));
    }

    /**
     * Debian's package starts its system service after installing, unless a policy-rc.d forbids
     * it (as in most containers). That instance is this install's doing: stop it, so nothing
     * listens on 6432 after the benchmark.
     */
    private static void stopPackagedService(PrintStream out) {
        for (String f : List.of("/run/postgresql/pgbouncer.pid", "/var/run/postgresql/pgbouncer.pid")) {
            try {
                Path p = Path.of(f);
                if (!Files.isRegularFile(p)) continue;
                long servicePid = Long.parseLong(Files.readString(p).trim());
                Optional<ProcessHandle> h = ProcessHandle.of(servicePid)
                        .filter(x -> x.info().command().map(c -> c.endsWith("pgbouncer")).orElse(false));
                if (h.isPresent()) {
                    out.println("PgBouncer: the package started its system service (pid " + servicePid
                            + "); stopping it, the benchmark runs its own.");
                    h.get().destroy();
                    if (!PgTools.waitGone(h.get(), STOP_TIMEOUT)) h.get().destroyForcibly();
                }
                return;
            } catch (IOException | RuntimeException e) {
                // no service instance
            }
        }
    }

    /** "PgBouncer 1.18.0" (the first line of --version), or "PgBouncer (version unknown)". */
    static String version(Path exe) {
        try {
            CommandResult r = PgTools.run(List.of(exe.toString(), "--version"), Map.of(), null, null, Duration.ofSeconds(10));
            String first = (r.stdout() + r.stderr()).strip().lines().findFirst().orElse("");
            if (!first.isEmpty()) return first;
        } catch (RuntimeException e) {
            // fall through
        }
        return "PgBouncer (version unknown)";
    }

    // -------------------------------------------------------------------------------------
    // Running it

    /** Starts PgBouncer and returns once it answers a query; throws with its log on failure. */
    static PgBouncer start(Settings s, PgTools tools) {
        IOException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freePort();
            PgBouncer b;
            try {
                b = launch(s, port);
            } catch (IOException e) {
                last = e;
                continue;
            }
            try {
                b.awaitReady(s, tools);
                return b;
            } catch (RuntimeException e) {
                String log = b.logTail(30);
                b.close();
                if (log.contains("Address already in use") && attempt < 3) continue; // someone took the port: retry
                throw new IllegalStateException("PgBouncer did not start: " + e.getMessage() + "\n" + log, e);
            }
        }
        throw new IllegalStateException("cannot set up PgBouncer: " + last, last);
    }

    private static PgBouncer launch(Settings s, int port) throws IOException {
        boolean root = PgTools.currentUserIsRoot();
        Path dir = Files.createTempDirectory("weft-pgbouncer-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Path ini = dir.resolve("pgbouncer.ini");
            Path users = dir.resolve("userlist.txt");
            Files.writeString(ini, ini(s, port, dir), StandardCharsets.UTF_8);
            Files.writeString(users, "\"" + s.user() + "\" \"" + s.password().replace("\"", "\"\"") + "\"\n",
                    StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>();
            if (root) {
                for (Path p : List.of(dir, ini, users)) handOver(p);
                cmd.addAll(List.of(runuser(), "-u", OS_USER_WHEN_ROOT, "--"));
            }
            cmd.addAll(List.of(s.exe().toString(), ini.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(new File("/dev/null"))
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .redirectError(dir.resolve("stderr.log").toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
            PgBouncer b = new PgBouncer(dir, port, pb.start());
            Runtime.getRuntime().addShutdownHook(b.hook);
            return b;
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    private static String ini(Settings s, int port, Path dir) {
        return """
                ; Written by ./weft bench pooler: a throwaway PgBouncer for one benchmark run.
                [databases]
                %1$s = host=127.0.0.1 port=%2$d dbname=%1$s

                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = %3$d
                unix_socket_dir = %4$s
                pidfile = %4$s/pgbouncer.pid
                logfile = %4$s/pgbouncer.log
                auth_type = md5
                auth_file = %4$s/userlist.txt
                pool_mode = %5$s
                default_pool_size = %6$d
                min_pool_size = 0
                reserve_pool_size = 0
                max_client_conn = %7$d
                max_db_connections = 0
                server_reset_query = DISCARD ALL
                ignore_startup_parameters = extra_float_digits
                log_connections = 0
                log_disconnections = 0
                log_pooler_errors = 1
                """.formatted(s.database(), s.serverPort(), port, dir, s.poolMode(), s.poolSize(),
                Math.max(1000, s.maxClients() * 2));
    }

    private void awaitReady(Settings s, PgTools tools) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (;;) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgbouncer exited with code " + process.exitValue());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("nothing listens on 127.0.0.1:" + port + " after " + START_TIMEOUT.toSeconds() + " s");
                }
                sleep(50);
            }
        }
        pid = findPid();
        // A real query: proves the auth file, the server's address and the server login.
        CommandResult r = tools.psql(new PgTools.Target("127.0.0.1", port, s.user(), s.database(), s.password()),
                "SELECT 1", Duration.ofSeconds(20));
        if (!r.ok()) throw new IllegalStateException("SELECT 1 through it failed\n" + r.describe(10));
    }

    /** PgBouncer's own pid: from its pid file, else the process itself or its pgbouncer descendant. */
    private long findPid() {
        try {
            Path pidFile = dir.resolve("pgbouncer.pid");
            if (Files.isRegularFile(pidFile)) return Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            // look at the process tree instead
        }
        ProcessHandle root = process.toHandle();
        return Stream.concat(Stream.of(root), root.descendants())
                .filter(h -> h.info().command().map(c -> c.endsWith("pgbouncer")).orElse(false))
                .map(ProcessHandle::pid).findFirst().orElse(root.pid());
    }

    int port() {
        return port;
    }

    /** PgBouncer's process id (not runuser's). */
    long pid() {
        return pid;
    }

    String logTail(int lines) {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("pgbouncer.log", "stderr.log")) {
            try {
                Path p = dir.resolve(f);
                if (!Files.exists(p)) continue;
                List<String> all = Files.readAllLines(p, StandardCharsets.UTF_8);
                if (all.isEmpty()) continue;
                sb.append("PgBouncer ").append(f).append(" (last lines):\n");
                for (String l : all.subList(Math.max(0, all.size() - lines), all.size())) sb.append("  ").append(l).append('\n');
            } catch (IOException | RuntimeException e) {
                // nothing to show
            }
        }
        return sb.toString();
    }

    /**
     * SIGTERM to PgBouncer (its immediate shutdown); runuser, its parent, reaps it and exits.
     * Whatever is left after 5 s gets SIGKILL. Then the directory goes. Synchronized, so that
     * the shutdown hook, if the JVM is stopped meanwhile, waits for a close in progress to finish.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        ProcessHandle root = process.toHandle();
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        if (pid > 0) ProcessHandle.of(pid).ifPresent(h -> { if (!all.contains(h)) all.add(0, h); });
        // Only PgBouncer itself: killing runuser first would leave PgBouncer to be reaped by init.
        for (ProcessHandle h : all) {
            if (h.info().command().map(c -> c.endsWith("pgbouncer")).orElse(h.pid() == pid)) h.destroy();
        }
        boolean exited;
        try {
            exited = process.waitFor(STOP_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited || all.stream().anyMatch(PgTools::isRunning)) {
            for (ProcessHandle h : all) {
                if (PgTools.isRunning(h)) h.destroyForcibly();
            }
            for (ProcessHandle h : all) {
                if (!PgTools.waitGone(h, STOP_TIMEOUT)) {
                    System.err.println("weft bench: PgBouncer process " + h.pid() + " survives SIGKILL");
                }
            }
        }
        deleteTree(dir);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // this is the hook, or the JVM is stopping
        }
    }

    // -------------------------------------------------------------------------------------

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on 127.0.0.1: " + e, e);
        }
    }

    private static void handOver(Path p) throws IOException {
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        try {
            view.setOwner(users.lookupPrincipalByName(OS_USER_WHEN_ROOT));
        } catch (IOException e) {
            throw new IOException("running as root, PgBouncer must run as the '" + OS_USER_WHEN_ROOT
                    + "' OS user, which does not exist (the postgresql package creates it)", e);
        }
    }

    private static String runuser() {
        for (String p : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")) {
            if (Files.isExecutable(Path.of(p))) return p;
        }
        throw new IllegalStateException("running as root, PgBouncer must run as '" + OS_USER_WHEN_ROOT
                + "' through runuser (util-linux), which is not installed");
    }

    static void deleteTree(Path dir) {
        if (dir == null) return;
        try {
            DirectoryTree.delete(dir);
        } catch (IOException | RuntimeException e) {
            System.err.println("weft bench: could not delete " + dir + ": " + e);
        }
    }

    private static String indent(String s) {
        return s.lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
