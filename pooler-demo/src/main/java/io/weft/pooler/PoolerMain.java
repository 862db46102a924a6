package io.weft.pooler;

import io.weft.pooler.config.ConfigException;
import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.lifecycle.ConfigLoader;
import io.weft.pooler.lifecycle.LogLevels;
import io.weft.pooler.lifecycle.Signals;
import io.weft.pooler.pg.DirectoryTree;
import io.weft.pooler.pg.EmbeddedPostgres;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./weft pooler}: with no configuration, a throwaway PostgreSQL and the pooler in front
 * of it; with {@code --config FILE}, the pooler in front of the servers the file names.
 * SIGHUP reloads the configuration; SIGTERM or Ctrl-C shuts down gracefully (a second one at
 * once), and everything made is removed on every way out.
 */
public final class PoolerMain {
    static final String USAGE = """
            usage: weft pooler [--config FILE] [--port N] [--pipeline session|transaction]
                               [--backend auto|io_uring|epoll|kqueue|jdk]

              no --config   start a throwaway PostgreSQL (initdb in a temporary directory, a free
                            port) and the pooler in front of it; stopping the pooler removes both
              --config      front the servers FILE names (see docs/pooler.md)
              --port, --pipeline, --backend override the configuration (a reload keeps them)

            signals: SIGHUP reloads the configuration; SIGTERM or Ctrl-C stops gracefully
                     (transactions in flight finish, at most shutdown_timeout); a second one
                     stops at once
            """;

    private PoolerMain() {}

    public static void main(String[] args) throws Exception {
        Path config = null;
        String port = null;
        String pipeline = null;
        String backend = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--config" -> config = Path.of(need(a, value));
                case "--port" -> port = need(a, value);
                case "--pipeline" -> pipeline = need(a, value);
                case "--backend" -> backend = need(a, value);
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> fail("unknown argument '" + a + "'");
            }
            i++;
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        if (config != null) {
            if (port != null) overrides.put("port", port);
            if (pipeline != null) overrides.put("pipeline", pipeline);
            if (backend != null) overrides.put("backend", backend);
        }
        Cleanup cleanup = new Cleanup();
        if (config == null) {
            System.out.println("Starting a throwaway PostgreSQL ...");
            // From here on every way out (a failed start, a signal, System.exit) removes it.
            Runtime.getRuntime().addShutdownHook(new Thread(cleanup::run, "weft-pooler-cleanup"));
            cleanup.pg = EmbeddedPostgres.start();
            cleanup.pg.createUser("weft", "weft", "scram-sha-256");
            cleanup.pg.createDatabase("weft", "weft");
            cleanup.temp = Files.createTempDirectory("weft-pooler-");
            config = writeDemoConfig(cleanup.temp, cleanup.pg.port(),
                    port == null ? freePort(6432) : Integer.parseInt(port),
                    pipeline == null ? "session" : pipeline, backend == null ? "auto" : backend);
        } else {
            Runtime.getRuntime().addShutdownHook(new Thread(cleanup::run, "weft-pooler-cleanup"));
        }
        Path file = config;
        ConfigLoader loader = () -> PoolerConfig.load(file, overrides);
        PoolerConfig cfg;
        try {
            cfg = loader.load();
        } catch (ConfigException e) {
            fail(e.getMessage());
            return;
        }
        LogLevels.configure(cfg.logLevel());
        PoolerServer pooler;
        try {
            pooler = PoolerServer.start(cfg, loader);
        } catch (BindException e) {
            // Not a usage error: no usage text, and the shutdown hook removes a throwaway server.
            System.err.println("weft pooler: cannot listen on " + cfg.host() + ":" + cfg.port() + ": " + e.getMessage()
                    + " (another process has this port: choose another with --port or 'port' in the configuration)");
            System.exit(1);
            return;
        }
        cleanup.pooler = pooler;
        EmbeddedPostgres server = cleanup.pg;
        List<String> unhandled = Signals.install(pooler, () -> System.out.println(
                "\nShutting down: transactions in flight finish (at most shutdown_timeout); Ctrl-C again stops at once ..."));
        System.out.printf("Weft pooler listening on %s:%d (%s pipeline, %s), in front of %s%n",
                cfg.host(), pooler.port(), cfg.pipeline().name().toLowerCase(), pooler.threadsDescription(),
                server != null ? "a throwaway PostgreSQL on 127.0.0.1:" + server.port() : cfg.primary());
        if (server != null) {
            System.out.printf("  connect:  PGPASSWORD=weft psql -h 127.0.0.1 -p %d -U weft weft%n", pooler.port());
            System.out.printf("  pgbench:  PGPASSWORD=weft pgbench -h 127.0.0.1 -p %d -U weft -i weft%n", pooler.port());
            System.out.printf("  admin:    PGPASSWORD=weft psql -h 127.0.0.1 -p %d -U weft weft_admin -c 'SHOW POOLS'%n", pooler.port());
        }
        System.out.println("Ctrl-C stops it (transactions in flight finish first; twice: at once);"
                + " kill -HUP " + ProcessHandle.current().pid() + " reloads the configuration.");
        if (!unhandled.isEmpty()) {
            System.out.println("  (" + String.join(", ", unhandled) + ": cannot be handled in this JVM; the JVM's"
                    + " default applies)");
        }
        pooler.awaitTermination();
        if (server != null) System.out.println("Stopping the throwaway PostgreSQL ...");
        cleanup.run();
        System.exit(0);
    }

    /**
     * What must go when the process ends, however it ends: the pooler, the throwaway
     * PostgreSQL and its temporary directory. Runs once (from main, or the shutdown hook).
     */
    private static final class Cleanup {
        volatile PoolerServer pooler;
        volatile EmbeddedPostgres pg;
        volatile Path temp;
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

        void run() {
            if (!done.compareAndSet(false, true)) return;
            if (pooler != null) pooler.close();
            if (pg != null) pg.close();
            if (temp != null) {
                try {
                    DirectoryTree.delete(temp);
                } catch (IOException e) {
                    System.err.println("weft pooler: could not delete " + temp + ": " + e);
                }
            }
        }
    }

    static Path writeDemoConfig(Path dir, int pgPort, int port, String pipeline, String backend) throws IOException {
        Files.writeString(dir.resolve("weft-pooler.conf"), """
                [pooler]
                host = 127.0.0.1
                port = %d
                pipeline = %s
                backend = %s
                auth_method = scram-sha-256
                max_connections = 500
                admin_users = weft
                users_file = weft-users.conf
                databases_file = weft-databases.conf

                [server primary]
                host = 127.0.0.1
                port = %d
                """.formatted(port, pipeline, backend, pgPort));
        Files.writeString(dir.resolve("weft-users.conf"), "weft weft\n");
        Files.writeString(dir.resolve("weft-databases.conf"), "# database user max_size initial_size min_size\nall all 20 0 0\n");
        return dir.resolve("weft-pooler.conf");
    }

    private static int freePort(int preferred) throws IOException {
        try (ServerSocket s = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
            return preferred;
        } catch (IOException taken) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }
    }

    private static String need(String option, String value) {
        if (value == null || value.startsWith("--")) fail(option + " needs a value");
        return value;
    }

    private static void fail(String message) {
        System.err.println("weft pooler: " + message);
        System.err.print(USAGE);
        System.exit(2);
    }
}
