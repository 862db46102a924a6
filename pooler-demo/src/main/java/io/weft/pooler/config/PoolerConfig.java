package io.weft.pooler.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pooler's configuration: {@code weft-pooler.conf} with its users and databases files.
 * Every option is documented in docs/pooler.md; every bad value is reported with its file and
 * line.
 */
public record PoolerConfig(
        Path file,
        String host,
        int port,
        Pipeline pipeline,
        int maxConnections,
        String backend,
        int carriers,
        String logLevel,
        AuthMethod authMethod,
        long blockingTimeoutMillis,
        long idleTimeoutMillis,
        boolean validation,
        long connectTimeoutMillis,
        int maxMessageLength,
        List<ServerAddress> servers,
        List<DatabaseRule> databases,
        Map<String, String> users,
        SecurityOptions security,
        String adminDatabase,
        List<String> adminUsers,
        String metricsHost,
        int metricsPort,
        long statsPeriodMillis,
        Map<String, String> settings,

        long shutdownTimeoutMillis,
        long healthCheckPeriodMillis,
        long clientLoginTimeoutMillis,
        boolean writeBehind) {

    static final Set<String> BACKENDS = Set.of("auto", "io_uring", "epoll", "kqueue", "jdk");
    static final Set<String> LOG_LEVELS = Set.of("error", "warning", "info", "debug");

    /** Reads {@code file} and the users and databases files it names (relative to its folder). */
    public static PoolerConfig load(Path file) throws ConfigException {
        return load(file, Map.of());
    }

    /**
     * Like {@link #load(Path)}, with {@code [pooler]} options given on the command line
     * ({@code --port 7000}: "port" -> "7000") taking the place of the file's. Errors still name
     * the file's lines; a reload applies the same overrides again.
     */
    public static PoolerConfig load(Path file, Map<String, String> poolerOverrides) throws ConfigException {
        IniFile ini = IniFile.read(file);
        IniFile.Section pooler = null;
        List<ServerAddress> servers = new ArrayList<>();
        for (IniFile.Section s : ini.sections) {
            String name = s.name().toLowerCase(Locale.ROOT);
            if (name.equals("pooler")) {
                if (pooler != null) throw new ConfigException(file, s.line(), "[pooler] appears twice");
                pooler = s;
            } else if (name.equals("server") || name.startsWith("server ")) {
                servers.add(server(file, s));
            } else {
                throw new ConfigException(file, s.line(), "unknown section [" + s.name()
                        + "]: expected [pooler] or [server NAME]");
            }
        }
        if (pooler == null) throw new ConfigException(file, 0, "no [pooler] section");
        if (servers.isEmpty()) throw new ConfigException(file, 0, "no [server NAME] section: the pooler needs a PostgreSQL server");
        Values v = new Values(file, pooler, poolerOverrides);
        Path dir = file.toAbsolutePath().getParent();
        String host = v.string("host", "127.0.0.1");
        int port = v.integer("port", 6432, 0, 65535); // 0: any free port (tests)
        Pipeline pipeline = v.choice("pipeline", "session", Set.of("session", "transaction"))
                .equals("session") ? Pipeline.SESSION : Pipeline.TRANSACTION;
        int maxConnections = v.integer("max_connections", 100, 1, 100_000);
        String backend = v.choice("backend", "auto", BACKENDS);
        int carriers = v.integer("carriers", 0, 0, 1024);
        String logLevel = v.choice("log_level", "info", LOG_LEVELS);
        AuthMethod auth;
        try {
            auth = AuthMethod.parse(v.string("auth_method", "scram-sha-256"));
        } catch (IllegalArgumentException e) {
            throw v.error("auth_method", e.getMessage());
        }
        long blocking = v.seconds("blocking_timeout", 30);
        long idle = v.seconds("idle_timeout", 600);
        boolean validation = v.choice("validation", "off", Set.of("off", "on")).equals("on");
        long connect = v.seconds("connect_timeout", 10);
        int maxMessage = v.integer("max_message_length", 64 << 20, 1024, 1 << 30);
        long shutdownTimeout = v.seconds("shutdown_timeout", 30);
        long healthCheckPeriod = v.seconds("health_check_period", 5);
        long loginTimeout = v.seconds("client_login_timeout", 60);
        boolean writeBehind = v.choice("write_behind", "on", Set.of("off", "on")).equals("on");
        if (loginTimeout > Integer.MAX_VALUE) throw v.error("client_login_timeout", "at most " + Integer.MAX_VALUE + " ms");
        Path usersFile = dir.resolve(v.string("users_file", "weft-users.conf"));
        Path databasesFile = dir.resolve(v.string("databases_file", "weft-databases.conf"));
        SecurityOptions security = SecurityOptions.read(v, dir);
        String adminDatabase = v.name("admin_database", "weft_admin");
        List<String> adminUsers = v.names("admin_users");
        String metricsHost = v.name("metrics_host", "127.0.0.1");
        int metricsPort = v.integer("metrics_port", 0, 0, 65535); // 0: no metrics endpoint
        long statsPeriod = v.seconds("stats_period", 60);
        if (statsPeriod < 100) throw v.error("stats_period", "must be at least 100ms, got " + v.string("stats_period", ""));
        v.rejectUnknown();
        return new PoolerConfig(file, host, port, pipeline, maxConnections, backend, carriers, logLevel, auth,
                blocking, idle, validation, connect, maxMessage, List.copyOf(servers),
                readDatabases(databasesFile), readUsers(usersFile), security, adminDatabase, adminUsers, metricsHost, metricsPort,
                statsPeriod, v.settings(), shutdownTimeout, healthCheckPeriod, loginTimeout, writeBehind);
    }

    /** The pool sizes for {@code user} on {@code database}: the first matching rule. */
    public Optional<DatabaseRule> rule(String database, String user) {
        for (DatabaseRule r : databases) {
            if (r.matches(database, user)) return Optional.of(r);
        }
        return Optional.empty();
    }

    /** The first [server] section: the first choice for every database it serves. */
    public ServerAddress primary() {
        return servers.get(0);
    }

    /** The servers for {@code database} in failover order (the order of their sections). */
    public List<ServerAddress> servers(String database) {
        List<ServerAddress> list = new ArrayList<>();
        for (ServerAddress s : servers) {
            if (s.serves(database)) list.add(s);
        }
        return list;
    }

    private static ServerAddress server(Path file, IniFile.Section s) throws ConfigException {
        String name = s.name().length() > 6 ? s.name().substring(7).strip() : "primary";
        Values v = new Values(file, s);
        String host = v.string("host", null);
        if (host == null) throw new ConfigException(file, s.line(), "[" + s.name() + "] has no host");
        int port = v.integer("port", 5432, 1, 65535);
        List<String> databases = new ArrayList<>();
        String list = v.string("databases", "");
        for (String d : list.split(",")) {
            if (!d.isBlank()) databases.add(d.strip());
        }
        if (databases.contains("all")) databases.clear();
        if (!list.isBlank() && databases.isEmpty() && !list.contains("all")) {
            throw v.error("databases", "expected database names separated by commas, got '" + list + "'");
        }
        v.rejectUnknown();
        return new ServerAddress(name, host, port, databases);
    }

    static List<DatabaseRule> readDatabases(Path path) throws ConfigException {
        List<DatabaseRule> rules = new ArrayList<>();
        List<String> lines = lines(path);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceAll("#.*", "").strip();
            if (line.isEmpty()) continue;
            String[] f = line.split("\\s+");
            if (f.length < 3 || f.length > 5) {
                throw new ConfigException(path, i + 1,
                        "expected 'database user max_size [initial_size [min_size]]', got: " + line);
            }
            int max = positive(path, i + 1, "max_size", f[2], 1);
            int initial = f.length > 3 ? positive(path, i + 1, "initial_size", f[3], 0) : 0;
            int min = f.length > 4 ? positive(path, i + 1, "min_size", f[4], 0) : 0;
            if (initial > max || min > max) {
                throw new ConfigException(path, i + 1, "initial_size and min_size must not exceed max_size " + max);
            }
            rules.add(new DatabaseRule(f[0], f[1], max, initial, min, i + 1));
        }
        if (rules.isEmpty()) throw new ConfigException(path, 0, "no database rules: add a line such as 'all all 20'");
        return List.copyOf(rules);
    }

    static Map<String, String> readUsers(Path path) throws ConfigException {
        Map<String, String> users = new LinkedHashMap<>();
        List<String> lines = lines(path);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int sp = line.indexOf(' ');
            int tab = line.indexOf('\t');
            int cut = sp < 0 ? tab : tab < 0 ? sp : Math.min(sp, tab);
            if (cut <= 0) throw new ConfigException(path, i + 1, "expected 'user password', got: " + line);
            String user = line.substring(0, cut);
            String password = line.substring(cut).strip();
            if (password.isEmpty()) throw new ConfigException(path, i + 1, "user " + user + " has no password");
            if (users.put(user, password) != null) throw new ConfigException(path, i + 1, "user " + user + " appears twice");
        }
        return Map.copyOf(users);
    }

    private static List<String> lines(Path path) throws ConfigException {
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new ConfigException(path, 0, "cannot read: " + e.getMessage());
        }
    }

    private static int positive(Path path, int line, String what, String s, int min) throws ConfigException {
        try {
            int v = Integer.parseInt(s);
            if (v < min) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigException(path, line, what + " must be an integer >= " + min + ", got '" + s + "'");
        }
    }

    /** Typed access to one section's entries, remembering which were used. */
    static final class Values {
        private final Path file;
        private final IniFile.Section section;
        private final Set<String> used = new java.util.HashSet<>();
        /** Every option read, with the value in force (given or default), for SHOW CONFIG. */
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, String> overrides;

        Values(Path file, IniFile.Section section) {
            this(file, section, Map.of());
        }

        Values(Path file, IniFile.Section section, Map<String, String> overrides) {
            this.file = file;
            this.section = section;
            this.overrides = overrides;
        }

        ConfigException error(String key, String message) {
            if (overrides.containsKey(key)) return new ConfigException("--" + key + " (command line): " + message);
            IniFile.Entry e = section.entries().get(key);
            return new ConfigException(file, e == null ? section.line() : e.line(), key + ": " + message);
        }

        String string(String key, String dflt) {
            used.add(key);
            IniFile.Entry e = section.entries().get(key);
            String value = overrides.containsKey(key) ? overrides.get(key) : e == null ? dflt : e.value();
            settings.put(key, value == null ? "" : value);
            return value;
        }

        /** The options read so far and their values in force, in reading order. */
        Map<String, String> settings() {
            return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        }

        /** A name (database, user, host): not empty, no white space. */
        String name(String key, String dflt) throws ConfigException {
            String s = string(key, dflt).strip();
            if (s.isEmpty() || s.chars().anyMatch(Character::isWhitespace)) {
                throw error(key, "expected a name without spaces, got '" + s + "'");
            }
            return s;
        }

        /** A comma-separated list of names; empty if the option is not set. */
        List<String> names(String key) throws ConfigException {
            String s = string(key, "").strip();
            if (s.isEmpty()) return List.of();
            List<String> names = new ArrayList<>();
            for (String n : s.split(",", -1)) {
                String name = n.strip();
                if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
                    throw error(key, "expected a comma-separated list of names, got '" + s + "'");
                }
                names.add(name);
            }
            return List.copyOf(names);
        }

        int integer(String key, int dflt, int min, int max) throws ConfigException {
            String s = string(key, null);
            if (s == null) {
                settings.put(key, Integer.toString(dflt));
                return dflt;
            }
            try {
                int v = Integer.parseInt(s);
                if (v < min || v > max) throw error(key, "must be from " + min + " to " + max + ", got " + v);
                settings.put(key, Integer.toString(v));
                return v;
            } catch (NumberFormatException e) {
                throw error(key, "not an integer: '" + s + "'");
            }
        }

        /** Seconds (an integer, optionally with an s/ms/m suffix) as milliseconds; 0 means none. */
        long seconds(String key, long dfltSeconds) throws ConfigException {
            String s = string(key, null);
            if (s == null) {
                settings.put(key, dfltSeconds + "s");
                return dfltSeconds * 1000;
            }
            String n = s.toLowerCase(Locale.ROOT);
            long scale = 1000;
            if (n.endsWith("ms")) {
                scale = 1;
                n = n.substring(0, n.length() - 2);
            } else if (n.endsWith("s")) {
                n = n.substring(0, n.length() - 1);
            } else if (n.endsWith("m")) {
                scale = 60_000;
                n = n.substring(0, n.length() - 1);
            }
            try {
                long v = Long.parseLong(n.strip());
                if (v < 0) throw error(key, "must not be negative, got " + s);
                settings.put(key, v * scale % 1000 == 0 ? v * scale / 1000 + "s" : v * scale + "ms");
                return v * scale;
            } catch (NumberFormatException e) {
                throw error(key, "not a duration (seconds, or with ms/s/m): '" + s + "'");
            }
        }

        String choice(String key, String dflt, Set<String> allowed) throws ConfigException {
            String s = string(key, dflt).toLowerCase(Locale.ROOT);
            if (!allowed.contains(s)) {
                throw error(key, "expected one of " + new java.util.TreeSet<>(allowed) + ", got '" + s + "'");
            }
            settings.put(key, s);
            return s;
        }

        void rejectUnknown() throws ConfigException {
            for (IniFile.Entry e : section.entries().values()) {
                if (!used.contains(e.key())) {
                    throw new ConfigException(file, e.line(), "unknown option '" + e.key() + "' in [" + section.name() + "]");
                }
            }
        }
    }
}
