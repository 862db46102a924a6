package io.weft.pooler.it;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.pg.CommandResult;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pg.PgTools;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** psql on the pooler's admin console, with CSV output and column names, as an operator would use it. */
final class AdminPsql {
    static final String ADMIN_DATABASE = "weft_admin";
    static final String APPLICATION = "weft-admin-test";

    private AdminPsql() {}

    /** Runs {@code sql} (one command or several, one per line) as {@code user}; does not throw. */
    static CommandResult run(EmbeddedPostgres pg, PoolerServer pooler, String user, String password, String sql) {
        List<String> cmd = List.of(pg.tools().tool("psql"), "-X", "--csv", "-h", "127.0.0.1",
                "-p", Integer.toString(pooler.port()), "-U", user, "-d", ADMIN_DATABASE, "-f", "-");
        return PgTools.run(cmd, Map.of("PGPASSWORD", password, "PGAPPNAME", APPLICATION), null, sql, Duration.ofSeconds(30));
    }

    /** The rows of one SHOW command as the fixture's user, by column name; fails if psql fails. */
    static List<Map<String, String>> show(EmbeddedPostgres pg, PoolerServer pooler, String command) {
        CommandResult r = run(pg, pooler, PoolerFixture.USER, PoolerFixture.PASSWORD, command);
        if (!r.ok() || !r.stderr().isBlank() && !r.stderr().contains("NOTICE")) {
            throw new AssertionError(command + " on the admin console failed:\n" + r.describe(40));
        }
        List<List<String>> csv = PgTools.parseCsv(r.stdout());
        if (csv.isEmpty()) throw new AssertionError(command + ": no header in\n" + r.stdout());
        List<String> header = csv.get(0);
        List<Map<String, String>> rows = new ArrayList<>();
        for (List<String> line : csv.subList(1, csv.size())) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) row.put(header.get(i), line.get(i));
            rows.add(row);
        }
        return rows;
    }

    static long num(Map<String, String> row, String column) {
        String v = row.get(column);
        if (v == null) throw new AssertionError("no column " + column + " in " + row);
        return Long.parseLong(v);
    }

    static double real(Map<String, String> row, String column) {
        String v = row.get(column);
        if (v == null) throw new AssertionError("no column " + column + " in " + row);
        return Double.parseDouble(v);
    }
}
