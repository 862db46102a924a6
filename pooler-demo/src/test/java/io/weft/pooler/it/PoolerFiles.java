package io.weft.pooler.it;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.TestDirs;
import io.weft.pooler.config.PoolerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A pooler's three configuration files in a directory of their own, which a test rewrites
 * before a reload: [pooler] options, [server NAME] sections, users and databases.
 */
final class PoolerFiles {
    final Path dir;
    final Map<String, String> options = new LinkedHashMap<>();
    /** Section name -> "host = ...\nport = ..." lines. */
    final Map<String, String> servers = new LinkedHashMap<>();
    String users = PoolerFixture.USER + " " + PoolerFixture.PASSWORD + "\n" + PoolerFixture.MD5_USER + " "
            + PoolerFixture.MD5_PASSWORD + "\n";
    String databases = "all all 4\n";

    PoolerFiles(String pipeline) throws IOException {
        dir = TestDirs.create("weft-pooler-life-");
        options.put("host", "127.0.0.1");
        options.put("port", "0");
        options.put("pipeline", pipeline);
        options.put("backend", "auto");
        options.put("carriers", "2");
        options.put("auth_method", "scram-sha-256");
        options.put("blocking_timeout", "20");
        options.put("log_level", "warning");
    }

    PoolerFiles option(String key, String value) {
        options.put(key, value);
        return this;
    }

    PoolerFiles server(String name, int port, String... extra) {
        StringBuilder s = new StringBuilder("host = 127.0.0.1\nport = " + port + "\n");
        for (String e : extra) s.append(e).append('\n');
        servers.put(name, s.toString());
        return this;
    }

    Path conf() {
        return dir.resolve("weft-pooler.conf");
    }

    Path databasesFile() {
        return dir.resolve("weft-databases.conf");
    }

    /** Writes the three files as they are now. */
    PoolerFiles write() throws IOException {
        StringBuilder c = new StringBuilder("[pooler]\n");
        options.forEach((k, v) -> c.append(k).append(" = ").append(v).append('\n'));
        servers.forEach((name, body) -> c.append("[server ").append(name).append("]\n").append(body));
        Files.writeString(conf(), c);
        Files.writeString(dir.resolve("weft-users.conf"), users);
        Files.writeString(databasesFile(), databases);
        return this;
    }

    PoolerServer start() throws Exception {
        write();
        return PoolerServer.start(PoolerConfig.load(conf()));
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            Thread.sleep(50);
        }
    }
}
