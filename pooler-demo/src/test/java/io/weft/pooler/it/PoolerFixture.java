package io.weft.pooler.it;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.TestDirs;
import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pg.PgTools;
import io.weft.pooler.pg.PgbenchResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A pooler in front of a throwaway PostgreSQL, configured for one test. */
final class PoolerFixture {
    static final String USER = "weft";
    static final String PASSWORD = "weft-secret";
    static final String MD5_USER = "weft_md5";
    static final String MD5_PASSWORD = "md5-secret";
    static final String DATABASE = "weft";

    private PoolerFixture() {}

    /**
     * A server with the test users and database (SCRAM and md5 passwords). Its pg_hba says md5,
     * which takes both kinds of stored password (scram-sha-256 would refuse the md5 one).
     */
    static EmbeddedPostgres startServer() {
        EmbeddedPostgres pg = EmbeddedPostgres.start(
                EmbeddedPostgres.Options.defaults().withHostAuth(EmbeddedPostgres.HostAuth.MD5));
        pg.createUser(USER, PASSWORD, "scram-sha-256");
        pg.createUser(MD5_USER, MD5_PASSWORD, "md5");
        pg.createDatabase(DATABASE, USER);
        pg.execute("GRANT ALL ON DATABASE " + DATABASE + " TO " + MD5_USER);
        return pg;
    }

    /** Starts a pooler in front of {@code pg}; {@code extra} lines go into [pooler]. */
    static PoolerServer startPooler(EmbeddedPostgres pg, String pipeline, String backend, String auth, int poolSize,
                                    String... extra) throws Exception {
        Path dir = TestDirs.create("weft-pooler-test-");
        Map<String, String> options = new java.util.LinkedHashMap<>();
        options.put("host", "127.0.0.1");
        options.put("port", "0");
        options.put("pipeline", pipeline);
        options.put("backend", backend);
        options.put("auth_method", auth);
        options.put("carriers", "2");
        options.put("blocking_timeout", "30");
        options.put("log_level", "warning");
        for (String line : extra) { // "key = value", replacing a default
            int eq = line.indexOf('=');
            options.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        StringBuilder conf = new StringBuilder("[pooler]\n");
        options.forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
        conf.append("[server primary]\nhost = 127.0.0.1\nport = ").append(pg.port()).append('\n');
        Files.writeString(dir.resolve("weft-pooler.conf"), conf);
        Files.writeString(dir.resolve("weft-users.conf"), USER + " " + PASSWORD + "\n" + MD5_USER + " " + MD5_PASSWORD + "\n");
        Files.writeString(dir.resolve("weft-databases.conf"), "all all " + poolSize + "\n");
        return PoolerServer.start(PoolerConfig.load(dir.resolve("weft-pooler.conf")));
    }

    static PgTools.Target through(PoolerServer pooler) {
        return new PgTools.Target("127.0.0.1", pooler.port(), USER, DATABASE, PASSWORD);
    }

    static PgbenchResult pgbench(EmbeddedPostgres pg, PoolerServer pooler, String... args) {
        return pg.tools().pgbench(through(pooler), List.of(args), Map.of(), Duration.ofSeconds(120));
    }
}
