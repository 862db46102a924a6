package io.weft.pooler;

import io.weft.pooler.config.ConfigException;
import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.pg.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * {@code ./weft pooler}: with no configuration, a throwaway PostgreSQL and the pooler in front
 * of it; with {@code --config FILE}, the pooler in front of the servers the file names.
 * Ctrl-C stops everything and removes what was made.
 */
public final class PoolerMain {
    static final String USAGE = """
            usage: weft pooler [--config FILE] [--port N] [--pipeline session|transaction]
                               [--backend auto|io_uring|epoll|kqueue|jdk]

              no --config   start a throwaway PostgreSQL (initdb in a temporary directory, a free
                            port) and the pooler in front of it; Ctrl-C removes both
              --config      front the servers FILE names (see docs/pooler.md)
              --port, --pipeline, --backend override the configuration
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
        EmbeddedPostgres pg = null;
        Path tempConfig = null;
        if (config == null) {
            System.out.println("Starting a throwaway PostgreSQL ...");
            pg = EmbeddedPostgres.start();
            pg.createUser("weft", "weft", "scram-sha-256");
            pg.createDatabase("weft", "weft");
            tempConfig = Files.createTempDirectory("weft-pooler-");
            config = writeDemoConfig(tempConfig, pg.port(), port == null ? freePort(6432) : Integer.parseInt(port),
                    pipeline == null ? "session" : pipeline, backend == null ? "auto" : backend);
        } else {
            config = withOverrides(config, port, pipeline, backend);
        }
        PoolerConfig cfg;
        try {
            cfg = PoolerConfig.load(config);
        } catch (ConfigException e) {
            if (pg != null) pg.close();
            fail(e.getMessage());
            return;
        }
        configureLogging(cfg.logLevel());
        PoolerServer pooler = PoolerServer.start(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedPostgres server = pg;
        Path temp = tempConfig;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping the pooler" + (server != null ? " and the throwaway PostgreSQL" : "") + " ...");
            pooler.close();
            if (server != null) server.close();
            if (temp != null) deleteTree(temp);
            stopped.countDown();
        }, "weft-pooler-shutdown"));
        System.out.printf("Weft pooler listening on %s:%d (%s pipeline, %s), in front of %s%n",
                cfg.host(), pooler.port(), cfg.pipeline().name().toLowerCase(), pooler.threadsDescription(),
                server != null ? "a throwaway PostgreSQL on 127.0.0.1:" + server.port() : cfg.primary());
        if (server != null) {
            System.out.printf("  connect:  PGPASSWORD=weft psql -h 127.0.0.1 -p %d -U weft weft%n", pooler.port());
            System.out.printf("  pgbench:  PGPASSWORD=weft pgbench -h 127.0.0.1 -p %d -U weft -i weft%n", pooler.port());
            System.out.printf("  admin:    PGPASSWORD=weft psql -h 127.0.0.1 -p %d -U weft weft_admin -c 'SHOW POOLS'%n", pooler.port());
        }
        System.out.println("Ctrl-C stops it.");
        stopped.await();
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

    /** A copy of {@code config} with command-line overrides applied, next to the original. */
    private static Path withOverrides(Path config, String port, String pipeline, String backend) throws IOException {
        if (port == null && pipeline == null && backend == null) return config;
        StringBuilder text = new StringBuilder();
        boolean inPooler = false;
        for (String line : Files.readAllLines(config)) {
            String t = line.strip().toLowerCase();
            if (t.startsWith("[")) {
                inPooler = t.equals("[pooler]");
                text.append(line).append('\n');
                if (inPooler) {
                    if (port != null) text.append("port = ").append(port).append('\n');
                    if (pipeline != null) text.append("pipeline = ").append(pipeline).append('\n');
                    if (backend != null) text.append("backend = ").append(backend).append('\n');
                }
                continue;
            }
            boolean overridden = inPooler && (port != null && t.startsWith("port")
                    || pipeline != null && t.startsWith("pipeline") || backend != null && t.startsWith("backend"));
            if (!overridden) text.append(line).append('\n');
        }
        Path copy = config.resolveSibling("." + config.getFileName() + ".effective");
        Files.writeString(copy, text);
        copy.toFile().deleteOnExit();
        return copy;
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

    static void configureLogging(String level) {
        Level l = switch (level) {
            case "error" -> Level.SEVERE;
            case "warning" -> Level.WARNING;
            case "debug" -> Level.FINE;
            default -> Level.INFO;
        };
        Logger weft = Logger.getLogger("io.weft");
        weft.setLevel(l);
        weft.setUseParentHandlers(false);
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(l);
        weft.addHandler(h);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
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
