package io.weft.pooler.pg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests, benchmarks and {@code ./weft pooler}: initdb into a
 * fresh temporary directory, a free loopback port, durability off (fsync, synchronous_commit,
 * full_page_writes), started with {@code pg_ctl -w}; {@link #close()} stops it, kills what is
 * left, and deletes the directory. A JVM shutdown hook does the same on Ctrl-C.
 *
 * <p>When the JVM runs as root, which initdb, pg_ctl and postgres all refuse, the server runs as
 * the {@code postgres} OS user through {@code runuser -u postgres --}, and the temporary
 * directory is handed to that user. psql and pgbench run as the JVM's own user: the superuser
 * connects over the Unix socket in the temporary directory with {@code trust}.
 *
 * <pre>{@code
 * try (EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgres.Options.defaults())) {
 *     pg.createUser("app", "secret", "scram-sha-256");
 *     pg.createDatabase("app", "app");
 *     List<List<String>> rows = pg.query("app", "select 1");
 * }
 * }</pre>
 */
public final class EmbeddedPostgres implements AutoCloseable {

    /** How TCP clients authenticate (the pg_hba.conf method for 127.0.0.1/32 and ::1/128). */
    public enum HostAuth {
        TRUST("trust"),
        /** Accepts md5-stored passwords, and scram-stored ones through SCRAM. */
        MD5("md5"),
        /** Accepts scram-stored passwords only: a role whose password is stored as md5 cannot log in. */
        SCRAM_SHA_256("scram-sha-256");

        private final String hbaName;

        HostAuth(String hbaName) {
            this.hbaName = hbaName;
        }

        /** The name pg_hba.conf uses. */
        public String hbaName() {
            return hbaName;
        }

        /** "trust", "md5" or "scram-sha-256" (any case, '_' for '-'). */
        public static HostAuth parse(String s) {
            String n = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (HostAuth a : values()) {
                if (a.hbaName.equals(n)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown host auth method '" + s + "' (trust, md5, scram-sha-256)");
        }
    }

    /**
     * How to start the server. Start from {@link #defaults()} and change what matters with the
     * {@code with...} methods.
     *
     * @param binDir            PostgreSQL's bin directory, or {@code null} for {@link PgTools#findBinDir()}
     * @param baseDir           where the temporary directory goes, or {@code null} for java.io.tmpdir
     * @param hostAuth          the pg_hba.conf method for TCP from loopback
     * @param maxConnections    max_connections
     * @param superuserPassword the {@code postgres} role's password (for TCP), or {@code null} for none
     * @param settings          more postgresql.conf settings, written last (so they win)
     * @param startTimeout      bound on initdb and on {@code pg_ctl start -w}
     * @param stopTimeout       bound on {@code pg_ctl stop} in {@link #close()}
     * @param commandTimeout    bound on each psql run of the helpers
     */
    public record Options(
            Path binDir,
            Path baseDir,
            HostAuth hostAuth,
            int maxConnections,
            String superuserPassword,
            Map<String, String> settings,
            Duration startTimeout,
            Duration stopTimeout,
            Duration commandTimeout) {

        public Options {
            Objects.requireNonNull(hostAuth, "hostAuth");
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
            }
            settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
            Objects.requireNonNull(startTimeout, "startTimeout");
            Objects.requireNonNull(stopTimeout, "stopTimeout");
            Objects.requireNonNull(commandTimeout, "commandTimeout");
        }

        /** scram-sha-256 from loopback, 200 connections, no superuser password, 60/30/60 s timeouts. */
        public static Options defaults() {
            return new Options(null, null, HostAuth.SCRAM_SHA_256, 200, null, Map.of(),
                    Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(60));
        }

        public Options withBinDir(Path dir) {
            return new Options(dir, baseDir, hostAuth, maxConnections, superuserPassword, settings,
                    startTimeout, stopTimeout, commandTimeout);
        }

        public Options withBaseDir(Path dir) {
            return new Options(binDir, dir, hostAuth, maxConnections, superuserPassword, settings,
                    startTimeout, stopTimeout, commandTimeout);
        }

        public Options withHostAuth(HostAuth auth) {
            return new Options(binDir, baseDir, auth, maxConnections, superuserPassword, settings,
                    startTimeout, stopTimeout, commandTimeout);
        }

        public Options withMaxConnections(int n) {
            return new Options(binDir, baseDir, hostAuth, n, superuserPassword, settings,
                    startTimeout, stopTimeout, commandTimeout);
        }

        public Options withSuperuserPassword(String password) {
            return new Options(binDir, baseDir, hostAuth, maxConnections, password, settings,
                    startTimeout, stopTimeout, commandTimeout);
        }

        /** Adds one postgresql.conf setting (e.g. "log_connections", "on"). */
        public Options withSetting(String name, String value) {
            Map<String, String> s = new LinkedHashMap<>(settings);
            s.put(name, value);
            return new Options(binDir, baseDir, hostAuth, maxConnections, superuserPassword, s,
                    startTimeout, stopTimeout, commandTimeout);
        }

        /**
         * Turns TLS on ({@code ssl = on}) with this PEM certificate and key. The server gets copies
         * in its data directory, owned by its OS user and readable by it alone, as PostgreSQL
         * demands of a key file; the originals may be anywhere the JVM can read.
         */
        public Options withTls(Path certFile, Path keyFile) {
            return withSetting("ssl", "on")
                    .withSetting(TLS_CERT_SETTING, certFile.toAbsolutePath().toString())
                    .withSetting(TLS_KEY_SETTING, keyFile.toAbsolutePath().toString());
        }

        public Options withTimeouts(Duration start, Duration stop, Duration command) {
            return new Options(binDir, baseDir, hostAuth, maxConnections, superuserPassword, settings,
                    start, stop, command);
        }
    }

    private static final String TLS_CERT_SETTING = "ssl_cert_file";
    private static final String TLS_KEY_SETTING = "ssl_key_file";
    private static final String HOST = "127.0.0.1";
    private static final String SUPERUSER = "postgres";
    private static final String OS_USER_WHEN_ROOT = "postgres";
    private static final int PORT_ATTEMPTS = 5;
    private static final String TEMP_PREFIX = "weft-pg-";
    /** In the temporary directory: "pid startMillis" of the JVM that made it. */
    private static final String OWNER_FILE = "owner";
    /** sun_path is 108 bytes on Linux, with the terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;

    private final Options options;
    private final PgTools tools;
    private final Path tempDir;
    private final Path dataDir;
    private final Path socketDir;
    private final Path logFile;
    /** The OS user the server runs as through runuser, or {@code null} for the JVM's own user. */
    private final String osUser;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;
    private volatile int port;
    private volatile long postmasterPid = -1;
    /** postgresql.conf as initdb wrote it; each start attempt appends our settings to it. */
    private String originalConf;

    private EmbeddedPostgres(Options options, PgTools tools, Path tempDir, String osUser) {
        this.options = options;
        this.tools = tools;
        this.tempDir = tempDir;
        this.dataDir = tempDir.resolve("data");
        this.socketDir = tempDir.resolve("run");
        this.logFile = tempDir.resolve("postgres.log");
        this.osUser = osUser;
        this.shutdownHook = new Thread(this::closeFromHook, "weft-pg-shutdown-" + tempDir.getFileName());
    }

    /** Whether a PostgreSQL server installation can be found (see {@link PgTools#findBinDir()}). */
    public static boolean available() {
        try {
            return PgTools.findBinDir().isPresent();
        } catch (PgException e) {
            return false;
        }
    }

    /** {@link #start(Options)} with {@link Options#defaults()}. */
    public static EmbeddedPostgres start() {
        return start(Options.defaults());
    }

    /**
     * Creates, configures and starts a throwaway server. On failure nothing is left behind and
     * the {@link PgException} says which command failed, how, and the tail of its output and of
     * the server log.
     */
    public static EmbeddedPostgres start(Options options) {
        Path bin = options.binDir() != null ? options.binDir() : PgTools.requireBinDir();
        for (String t : List.of("initdb", "pg_ctl", "postgres")) {
            if (!Files.isExecutable(bin.resolve(t))) {
                throw new PgException(bin.resolve(t) + " is missing or not executable; " + PgTools.INSTALL_HINT);
            }
        }
        PgTools tools = new PgTools(bin);
        String osUser = PgTools.currentUserIsRoot() ? OS_USER_WHEN_ROOT : null;
        Path base = options.baseDir() != null
                ? options.baseDir()
                : Path.of(System.getProperty("java.io.tmpdir"));
        Path temp;
        try {
            Files.createDirectories(base);
            reapOrphans(base);
            temp = Files.createTempDirectory(base.toAbsolutePath(), TEMP_PREFIX,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            ProcessHandle self = ProcessHandle.current();
            Files.writeString(temp.resolve(OWNER_FILE), self.pid() + " "
                    + self.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("-") + "\n");
        } catch (IOException e) {
            throw new PgException("cannot create a temporary directory under " + base + ": " + e, e);
        }
        EmbeddedPostgres pg = new EmbeddedPostgres(options, tools, temp, osUser);
        Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
        try {
            pg.initAndStart();
            return pg;
        } catch (RuntimeException | Error e) {
            try {
                pg.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void initAndStart() {
        try {
            Files.createDirectories(socketDir);
            Path socketFile = socketDir.resolve(".s.PGSQL.65535");
            if (socketFile.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
                throw new PgException("the Unix socket path " + socketFile + " is longer than " + MAX_SOCKET_PATH
                        + " bytes; choose a shorter base directory (Options.withBaseDir, e.g. /tmp)");
            }
            if (osUser != null) {
                handOver(tempDir);
                handOver(socketDir);
                CommandResult probe = PgTools.run(asServerUser(List.of("test", "-w", tempDir.toString())),
                        Map.of(), tempDir, null, Duration.ofSeconds(20));
                if (!probe.ok()) {
                    throw new PgException("the OS user '" + osUser + "' cannot write into " + tempDir
                            + " (every directory above it must be searchable by that user); choose another base"
                            + " directory with Options.withBaseDir, e.g. /tmp\n" + probe.describe(20), probe);
                }
            }
        } catch (IOException e) {
            throw new PgException("preparing " + tempDir + ": " + e, e);
        }

        initdb();
        configure();
        startServer();
    }

    private void initdb() {
        List<String> cmd = new ArrayList<>(List.of(
                tools.tool("initdb"), "-D", dataDir.toString(),
                "-A", options.hostAuth().hbaName(), "--auth-local=trust",
                "-U", SUPERUSER, "-E", "UTF8", "--no-locale", "--no-sync"));
        Path pwfile = null;
        try {
            if (options.superuserPassword() != null) {
                pwfile = tempDir.resolve("pwfile");
                Files.writeString(pwfile, options.superuserPassword() + "\n", StandardCharsets.UTF_8);
                handOver(pwfile);
                cmd.add("--pwfile=" + pwfile);
            }
            CommandResult r = PgTools.run(asServerUser(cmd), Map.of(), tempDir, null, options.startTimeout());
            r.requireOk("initdb of the throwaway PostgreSQL server");
        } catch (IOException e) {
            throw new PgException("writing the superuser password file: " + e, e);
        } finally {
            if (pwfile != null) {
                try {
                    Files.deleteIfExists(pwfile);
                } catch (IOException ignored) {
                    // it goes with the temporary directory anyway
                }
            }
        }
    }

    /** pg_hba.conf now; postgresql.conf before each start attempt (the port changes). */
    private void configure() {
        String m = options.hostAuth().hbaName();
        String hba = """
                # Written by Weft's EmbeddedPostgres: local trust, loopback TCP with %1$s.
                # TYPE  DATABASE        USER            ADDRESS                 METHOD
                local   all             all                                     trust
                host    all             all             127.0.0.1/32            %1$s
                host    all             all             ::1/128                 %1$s
                local   replication     all                                     trust
                host    replication     all             127.0.0.1/32            %1$s
                host    replication     all             ::1/128                 %1$s
                """.formatted(m);
        try {
            // Rewriting the existing files keeps their owner (the server's OS user).
            Files.writeString(dataDir.resolve("pg_hba.conf"), hba, StandardCharsets.UTF_8);
            installTlsFile(TLS_CERT_SETTING, "weft-server.crt");
            installTlsFile(TLS_KEY_SETTING, "weft-server.key");
            originalConf = Files.readString(dataDir.resolve("postgresql.conf"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PgException("configuring " + dataDir + ": " + e, e);
        }
    }

    /** The copy in the data directory of a file that {@link Options#withTls} named. */
    private void installTlsFile(String setting, String name) throws IOException {
        String source = options.settings().get(setting);
        if (source == null) return;
        Path copy = dataDir.resolve(name);
        Files.copy(Path.of(source), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
        if (osUser != null) handOver(copy);
    }

    private void writeConf(int newPort) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("port", Integer.toString(newPort));
        s.put("listen_addresses", HOST);
        s.put("unix_socket_directories", socketDir.toString());
        s.put("max_connections", Integer.toString(options.maxConnections()));
        s.put("password_encryption", options.hostAuth() == HostAuth.MD5 ? "md5" : "scram-sha-256");
        s.put("fsync", "off");
        s.put("synchronous_commit", "off");
        s.put("full_page_writes", "off");
        s.put("logging_collector", "off");
        s.put("log_destination", "stderr");
        s.put("log_line_prefix", "%m [%p] %q%u@%d ");
        s.putAll(options.settings());
        if (s.containsKey(TLS_CERT_SETTING)) s.put(TLS_CERT_SETTING, dataDir.resolve("weft-server.crt").toString());
        if (s.containsKey(TLS_KEY_SETTING)) s.put(TLS_KEY_SETTING, dataDir.resolve("weft-server.key").toString());
        StringBuilder conf = new StringBuilder(originalConf);
        conf.append("\n# ---- Written by Weft's EmbeddedPostgres: a throwaway server, durability off ----\n");
        s.forEach((k, v) -> conf.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
        try {
            Files.writeString(dataDir.resolve("postgresql.conf"), conf.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PgException("writing " + dataDir.resolve("postgresql.conf") + ": " + e, e);
        }
    }

    private void startServer() {
        for (int attempt = 1; ; attempt++) {
            int candidate = freePort();
            writeConf(candidate);
            long logOffset = fileSize(logFile);
            List<String> cmd = List.of(tools.tool("pg_ctl"), "start", "-D", dataDir.toString(), "-l", logFile.toString(),
                    "-w", "-t", Long.toString(Math.max(1, options.startTimeout().toSeconds())));
            CommandResult r = PgTools.run(asServerUser(cmd), Map.of(), tempDir, null,
                    options.startTimeout().plusSeconds(10));
            if (r.ok()) {
                port = candidate;
                postmasterPid = readPostmasterPid().orElseThrow(() -> new PgException(
                        "pg_ctl start succeeded but " + dataDir.resolve("postmaster.pid") + " is missing\n"
                                + r.describe(20) + serverLogTail(40)));
                return;
            }
            String log = readFrom(logFile, logOffset);
            boolean portTaken = log.contains("Address already in use") || log.contains("could not bind")
                    || log.contains("could not create any TCP/IP sockets");
            if (portTaken && attempt < PORT_ATTEMPTS) {
                // Someone took the port between our probe and the server's bind: stop whatever
                // half-started (pg_ctl -w gives up; the postmaster exits by itself) and retry.
                readPostmasterPid().flatMap(ProcessHandle::of)
                        .ifPresent(h -> PgTools.killTree(h, Duration.ofSeconds(5)));
                continue;
            }
            throw new PgException("starting the throwaway PostgreSQL server on port " + candidate + " failed"
                    + (portTaken ? " (port taken " + attempt + " times)" : "") + "\n"
                    + r.describe(20) + serverLogTail(40), r);
        }
    }

    /** A port that was free on 127.0.0.1 a moment ago (the server's bind may still race). */
    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new PgException("cannot find a free TCP port on " + HOST + ": " + e, e);
        }
    }

    private List<String> asServerUser(List<String> cmd) {
        if (osUser == null) {
            return cmd;
        }
        List<String> wrapped = new ArrayList<>(List.of(runuser(), "-u", osUser, "--"));
        wrapped.addAll(cmd);
        return wrapped;
    }

    private static String runuser() {
        for (String p : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return PgTools.onPath("runuser").map(Path::toString).orElseThrow(() -> new PgException(
                "running as root, the server must run as the '" + OS_USER_WHEN_ROOT
                        + "' OS user, but runuser (util-linux) is not installed"));
    }

    /** Gives {@code path} to the server's OS user (only when running as root). */
    private void handOver(Path path) throws IOException {
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        UserPrincipal user;
        try {
            user = users.lookupPrincipalByName(osUser);
        } catch (IOException e) {
            throw new PgException("running as root, the server must run as the '" + osUser + "' OS user, which does"
                    + " not exist (the postgresql-15 package creates it; or: useradd --system " + osUser + ")", e);
        }
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(user);
        try {
            GroupPrincipal group = users.lookupPrincipalByGroupName(osUser);
            view.setGroup(group);
        } catch (IOException e) {
            // no group of that name: the owner is what matters
        }
    }

    /**
     * Stops and deletes the servers that JVMs killed without a chance to clean up (SIGKILL, a
     * crashed test fork) left under {@code baseDir}: every {@code weft-pg-*} directory whose
     * {@code owner} file names a process that is no longer running. A directory without that
     * file, or whose owner still runs, is left alone. Called by {@link #start}; returns how many
     * it removed.
     */
    public static int reapOrphans(Path baseDir) {
        int reaped = 0;
        try (Stream<Path> dirs = Files.list(baseDir)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(TEMP_PREFIX)).toList()) {
                try {
                    if (ownerGone(dir)) {
                        killOrphanPostmaster(dir.resolve("data"));
                        DirectoryTree.delete(dir);
                        reaped++;
                    }
                } catch (IOException | RuntimeException e) {
                    // not ours to fix, or gone meanwhile: leave it
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable base directory: nothing to reap
        }
        return reaped;
    }

    private static boolean ownerGone(Path dir) throws IOException {
        Path owner = dir.resolve(OWNER_FILE);
        if (!Files.isRegularFile(owner)) {
            return false;
        }
        String[] f = Files.readString(owner).trim().split("\\s+");
        long pid = Long.parseLong(f[0]);
        Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(PgTools::isRunning);
        if (h.isEmpty()) {
            return true;
        }
        if (f.length > 1 && !f[1].equals("-")) {
            // The pid was recycled if the process running under it started at another time.
            long recorded = Long.parseLong(f[1]);
            return h.get().info().startInstant().map(i -> Math.abs(i.toEpochMilli() - recorded) > 1000).orElse(false);
        }
        return false;
    }

    private static void killOrphanPostmaster(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> pm = ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
                .filter(PgTools::isRunning)
                .filter(h -> h.info().commandLine().map(c -> c.contains(dataDir.toString())).orElse(false));
        if (pm.isEmpty()) {
            return;
        }
        // SIGQUIT is PostgreSQL's immediate shutdown: unlike SIGKILL it removes the shared memory.
        PgTools.run(List.of("kill", "-QUIT", Long.toString(pm.get().pid())), Map.of(), null, null, Duration.ofSeconds(5));
        if (!PgTools.waitGone(pm.get(), Duration.ofSeconds(5)) && !PgTools.killTree(pm.get(), Duration.ofSeconds(5))) {
            throw new PgException("orphaned postgres " + pm.get().pid() + " survives SIGKILL");
        }
    }

    // ---------------------------------------------------------------------------------------
    // Where it is

    public int port() {
        return port;
    }

    public String host() {
        return HOST;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** The directory holding the Unix socket (usable as a psql {@code -h}). */
    public Path socketDir() {
        return socketDir;
    }

    /** The temporary directory holding all of it, deleted by {@link #close()}. */
    public Path baseDir() {
        return tempDir;
    }

    public String superuser() {
        return SUPERUSER;
    }

    /** The postmaster's process id. */
    public long pid() {
        return postmasterPid;
    }

    /** The OS user the server runs as ("postgres" when the JVM is root, else the JVM's user). */
    public String serverOsUser() {
        return osUser != null ? osUser : System.getProperty("user.name");
    }

    public PgTools tools() {
        return tools;
    }

    public Options options() {
        return options;
    }

    /** The superuser over the Unix socket (trust), in database {@code db}. */
    public PgTools.Target superuserTarget(String db) {
        return new PgTools.Target(socketDir.toString(), port, SUPERUSER, db, null);
    }

    /** {@code user} with {@code password} over TCP to 127.0.0.1:port, in database {@code db}. */
    public PgTools.Target tcpTarget(String user, String password, String db) {
        return new PgTools.Target(HOST, port, user, db, password);
    }

    /** A libpq URL for {@code user} and {@code db} over TCP (without the password). */
    public String url(String user, String db) {
        return "postgresql://" + user + "@" + HOST + ":" + port + "/" + db;
    }

    // ---------------------------------------------------------------------------------------
    // Helpers

    /**
     * Creates a login role whose password is stored with {@code passwordEncryption} ("md5" or
     * "scram-sha-256"). With the default scram-sha-256 host method an md5-stored password cannot
     * log in over TCP: start with {@link HostAuth#MD5} to use both.
     */
    public void createUser(String name, String password, String passwordEncryption) {
        String enc = passwordEncryption.trim().toLowerCase(Locale.ROOT);
        if (!enc.equals("md5") && !enc.equals("scram-sha-256")) {
            throw new IllegalArgumentException("passwordEncryption must be md5 or scram-sha-256, got " + passwordEncryption);
        }
        String sql = "SET password_encryption = " + literal(enc) + ";\n"
                + "CREATE ROLE " + identifier(name) + " LOGIN PASSWORD " + literal(password) + ";\n";
        CommandResult r = tools.psql(superuserTarget("postgres"), sql, options.commandTimeout());
        if (!r.ok()) {
            // The SQL holds the password: name the statement, not its text.
            throw new PgException("CREATE ROLE " + identifier(name) + " (password stored as " + enc + ") failed\n"
                    + (password.isEmpty() ? r.describe(20) : r.describe(20).replace(password, "<password>"))
                    + serverLogTail(20), r);
        }
    }

    /** {@code CREATE DATABASE name OWNER owner}. */
    public void createDatabase(String name, String owner) {
        execute("postgres", "CREATE DATABASE " + identifier(name) + " OWNER " + identifier(owner) + ";");
    }

    /** Runs SQL as the superuser in database {@code postgres}; throws on the first error. */
    public void execute(String sql) {
        execute("postgres", sql);
    }

    /** Runs SQL as the superuser in {@code db}; throws on the first error. */
    public void execute(String db, String sql) {
        query(db, sql);
    }

    /** Rows of every statement's result, in order, as text (NULL reads as ""), from database postgres. */
    public List<List<String>> query(String sql) {
        return query("postgres", sql);
    }

    /** Rows of every statement's result, in order, as text (NULL reads as ""). */
    public List<List<String>> query(String db, String sql) {
        try {
            return tools.query(superuserTarget(db), sql, options.commandTimeout());
        } catch (PgException e) {
            throw new PgException(e.getMessage() + serverLogTail(20), e.result(), e);
        }
    }

    /**
     * Runs pgbench. It connects to whatever {@code -h/-p/-U} and database the arguments name (the
     * pooler, usually); what they leave out defaults to this server over TCP as the superuser, in
     * database postgres. The timeout is {@link PgTools#suggestedPgbenchTimeout}.
     */
    public PgbenchResult pgbench(List<String> args) {
        return pgbench(args, null, null);
    }

    /** pgbench with PGPASSWORD set to {@code password} (may be {@code null}). */
    public PgbenchResult pgbench(List<String> args, String password) {
        return pgbench(args, password, null);
    }

    /** pgbench with PGPASSWORD and an explicit timeout ({@code null}: suggested from -T). */
    public PgbenchResult pgbench(List<String> args, String password, Duration timeout) {
        String pw = password != null ? password : options.superuserPassword();
        return tools.pgbench(new PgTools.Target(HOST, port, SUPERUSER, "postgres", pw), args, null, timeout);
    }

    /** The last {@code lines} lines of the server log, "" if there is none. */
    public String logTail(int lines) {
        try {
            return Files.exists(logFile)
                    ? CommandResult.tail(Files.readString(logFile, StandardCharsets.UTF_8), lines)
                    : "";
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    private String serverLogTail(int lines) {
        String tail = logTail(lines);
        return tail.isEmpty() ? "server log " + logFile + ": (empty)\n"
                : "server log " + logFile + " (last lines):\n" + tail + (tail.endsWith("\n") ? "" : "\n");
    }

    /** A double-quoted SQL identifier. */
    public static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A single-quoted SQL literal (standard_conforming_strings is on since 9.1). */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("SQL text cannot hold NUL");
        }
        return "'" + value.replace("'", "''") + "'";
    }

    // ---------------------------------------------------------------------------------------
    // Stopping

    /**
     * Stops the server ({@code pg_ctl stop -m fast}, then {@code -m immediate}, then SIGKILL of the
     * postmaster and its children; each step bounded), then deletes the temporary directory.
     * Idempotent. Throws a {@link PgException} only if a server process or the directory
     * survives all of that.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: this may be the hook itself
        }
        StringBuilder problems = new StringBuilder();
        stopServer(problems);
        try {
            DirectoryTree.delete(tempDir);
        } catch (IOException | UncheckedIOException e) {
            problems.append("could not delete ").append(tempDir).append(": ").append(e).append('\n');
        }
        if (!problems.isEmpty()) {
            throw new PgException("closing the throwaway PostgreSQL server in " + tempDir + ":\n" + problems);
        }
    }

    private void closeFromHook() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("weft: " + e.getMessage());
        }
    }

    private void stopServer(StringBuilder problems) {
        Optional<ProcessHandle> postmaster = postmaster();
        if (postmaster.isEmpty()) {
            return;
        }
        ProcessHandle pm = postmaster.get();
        // Remember its children now: once it is gone they are re-parented and harder to find.
        List<ProcessHandle> children = new ArrayList<>(pm.descendants().toList());
        String pgCtl = tools.tool("pg_ctl");
        long stopSeconds = Math.max(1, options.stopTimeout().toSeconds());
        for (String mode : List.of("fast", "immediate")) {
            if (!PgTools.isRunning(pm)) {
                break;
            }
            try {
                CommandResult r = PgTools.run(
                        asServerUser(List.of(pgCtl, "stop", "-D", dataDir.toString(), "-m", mode, "-w",
                                "-t", Long.toString(mode.equals("fast") ? stopSeconds : 10))),
                        Map.of(), tempDir, null, Duration.ofSeconds((mode.equals("fast") ? stopSeconds : 10) + 10));
                PgTools.waitGone(pm, Duration.ofSeconds(2));
                if (!r.ok() && PgTools.isRunning(pm)) {
                    problems.append("pg_ctl stop -m ").append(mode).append(" did not stop it:\n").append(r.describe(10));
                }
            } catch (RuntimeException e) {
                problems.append("pg_ctl stop -m ").append(mode).append(": ").append(e.getMessage()).append('\n');
            }
        }
        children.addAll(pm.descendants().toList());
        boolean gone = !PgTools.isRunning(pm) || PgTools.killTree(pm, Duration.ofSeconds(5));
        for (ProcessHandle c : children) {
            if (PgTools.isRunning(c)) {
                c.destroyForcibly();
            }
        }
        for (ProcessHandle c : children) {
            gone &= PgTools.waitGone(c, Duration.ofSeconds(5));
        }
        if (gone) {
            // The kill took care of it: forget what the stop attempts said.
            problems.setLength(0);
        } else {
            problems.append("postgres processes survive SIGKILL: postmaster ").append(pm.pid()).append('\n');
        }
    }

    /** The running postmaster: the pid recorded at start, else the one in postmaster.pid. */
    private Optional<ProcessHandle> postmaster() {
        Optional<ProcessHandle> h = postmasterPid > 0 ? ProcessHandle.of(postmasterPid) : Optional.empty();
        if (h.isEmpty() || !PgTools.isRunning(h.get())) {
            h = readPostmasterPid().flatMap(ProcessHandle::of);
        }
        return h.filter(PgTools::isRunning).filter(this::isOurPostmaster);
    }

    /** Guards against a recycled pid: the postmaster's command line names our data directory. */
    private boolean isOurPostmaster(ProcessHandle h) {
        ProcessHandle.Info info = h.info();
        Optional<String> cmdLine = info.commandLine();
        if (cmdLine.isPresent()) {
            return cmdLine.get().contains(dataDir.toString());
        }
        return info.command().map(c -> c.endsWith("postgres") || c.endsWith("postmaster")).orElse(false);
    }

    private Optional<Long> readPostmasterPid() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static long fileSize(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String readFrom(Path p, long offset) {
        try {
            if (!Files.exists(p)) {
                return "";
            }
            byte[] all = Files.readAllBytes(p);
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgres[" + HOST + ":" + port + ", data " + dataDir + (closed.get() ? ", closed" : "") + "]";
    }
}
