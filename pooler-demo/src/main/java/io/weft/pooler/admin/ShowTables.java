package io.weft.pooler.admin;

import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.config.ServerAddress;
import io.weft.pooler.stats.ClientStats;
import io.weft.pooler.stats.PoolTotals;
import io.weft.pooler.stats.PoolerStats;
import io.weft.pooler.stats.Rates;
import io.weft.scheduler.CarrierStats;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/** The result of each SHOW command, from a {@link PoolerView}. Column names follow PgBouncer's where they exist. */
final class ShowTables {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Every command with what it does, for SHOW HELP (and the docs). */
    static final String[][] COMMANDS = {
        {"SHOW HELP", "this list"},
        {"SHOW POOLS", "per pool: clients active/waiting/idle, server connections active/idle/total, the longest wait now"},
        {"SHOW CLIENTS", "every client logged in: user, database, state, address, times, its server's pid"},
        {"SHOW SERVERS", "every server connection: user, database, state, addresses, times, server pid, client served"},
        {"SHOW STATS", "per pool: totals since start and per-second averages over the last stats_period"},
        {"SHOW TOTALS", "pooler-wide totals and the pooler's own failures by kind"},
        {"SHOW CONFIG", "every option and its value in force (no passwords)"},
        {"SHOW CARRIERS", "the Weft scheduler's per-carrier counters (none on backend = jdk)"},
        {"RELOAD", "re-read the configuration files"},
        {"PAUSE", "stop handing out server connections and wait until all are back in their pools"},
        {"RESUME", "hand out server connections again"},
        {"SHUTDOWN", "stop accepting clients, let transactions finish, then stop the pooler"},
    };

    private ShowTables() {}

    static Table help() {
        Table t = new Table().text("command", "description");
        for (String[] c : COMMANDS) t.row(c[0], c[1]);
        return t;
    }

    static Table pools(PoolerView view) {
        Table t = new Table().text("database", "user").bigint("cl_active", "cl_waiting", "cl_idle", "sv_active",
                "sv_idle", "sv_total", "sv_max", "maxwait", "maxwait_us").text("pool_mode");
        String mode = view.config().pipeline().name().toLowerCase(Locale.ROOT);
        for (PoolerView.PoolRow p : view.pools()) {
            long waitMicros = p.longestWaitNanos() / 1000;
            t.row(p.database(), p.user(), p.clActive(), p.clWaiting(), p.clIdle(), p.svActive(), p.svIdle(), p.svTotal(),
                    p.maxSize(), waitMicros / 1_000_000, waitMicros % 1_000_000, mode);
        }
        return t;
    }

    static Table clients(PoolerView view) {
        Table t = new Table().text("type").bigint("id").text("user", "database", "state", "addr").bigint("port")
                .text("local_addr").bigint("local_port").text("connect_time", "request_time").bigint("wait", "wait_us")
                .text("tls").bigint("server_pid").text("application_name")
                .bigint("queries", "transactions", "received", "sent", "errors");
        for (ClientStats c : view.clients()) {
            long waitMicros = c.waitingNanos() / 1000;
            int pid = c.serverPid();
            t.row("C", c.id, c.user, c.database, c.state(), ClientStats.host(c.remote), ClientStats.port(c.remote),
                    ClientStats.host(c.local), ClientStats.port(c.local), time(c.connectedAtMillis),
                    time(c.requestAtMillis()), waitMicros / 1_000_000, waitMicros % 1_000_000, c.tls(),
                    pid == 0 ? null : pid, c.applicationName, c.queries(), c.transactions(), c.bytesIn(), c.bytesOut(),
                    c.errors());
        }
        return t;
    }

    static Table servers(PoolerView view) {
        Table t = new Table().text("type", "user", "database", "state", "addr").bigint("port", "local_port")
                .text("connect_time", "request_time", "tls").bigint("remote_pid", "client_id");
        for (PoolerView.ServerRow s : view.servers()) {
            t.row("S", s.user(), s.database(), s.state(), s.host(), s.port(), s.localPort(), time(s.connectedAtMillis()),
                    time(s.requestAtMillis()), s.tls(), s.pid(), s.clientId() == 0 ? null : s.clientId());
        }
        return t;
    }

    static Table stats(PoolerView view) {
        Table t = new Table().text("database", "user").bigint("total_xact_count", "total_query_count",
                "total_received", "total_sent", "total_wait_count", "total_wait_time", "max_wait_time", "total_errors")
                .float8("avg_xact_count", "avg_query_count", "avg_recv", "avg_sent", "avg_wait_time", "avg_errors")
                .bigint("stats_period_ms");
        for (PoolerView.PoolRow p : view.pools()) {
            PoolTotals s = p.totals();
            Rates r = p.rates();
            t.row(p.database(), p.user(), s.transactions(), s.queries(), s.received(), s.sent(), s.waits(),
                    s.waitNanos() / 1000, s.maxWaitNanos() / 1000, s.errors(), r.transactions(), r.queries(),
                    r.received(), r.sent(), r.waitMicros(), r.errors(), r.periodMillis());
        }
        return t;
    }

    static Table totals(PoolerView view) {
        long tx = 0;
        long q = 0;
        long in = 0;
        long out = 0;
        long serverErrors = 0;
        int pools = 0;
        for (PoolerView.PoolRow p : view.pools()) {
            PoolTotals s = p.totals();
            tx += s.transactions();
            q += s.queries();
            in += s.received();
            out += s.sent();
            serverErrors += s.serverErrors();
            pools++;
        }
        Table t = new Table().text("name").bigint("value");
        t.row("pools", pools).row("clients_connected", view.connectedClients()).row("xact_count", tx)
                .row("query_count", q).row("bytes_received", in).row("bytes_sent", out)
                .row("server_errors", serverErrors).row("failovers", view.failovers());
        for (PoolerStats.Failure f : PoolerStats.Failure.values()) {
            t.row("failures_" + f.label(), view.failures(f));
        }
        return t;
    }

    static Table config(PoolerView view) {
        PoolerConfig c = view.config();
        Table t = new Table().text("key", "value");
        for (Map.Entry<String, String> e : c.settings().entrySet()) {
            t.row(e.getKey(), secret(e.getKey()) ? "********" : e.getValue());
        }
        for (ServerAddress s : c.servers()) t.row("server " + s.name(), s.host() + ":" + s.port());
        return t;
    }

    /** Option names that may hold a secret: their values are never shown. */
    static boolean secret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("passphrase");
    }

    static Table carriers(PoolerView view) {
        Table t = new Table().bigint("carrier").text("name", "backend").bigint("tasks_run", "steals", "polls",
                "completions", "wakeups_sent", "timers_fired", "queue_depth", "timers");
        for (CarrierStats c : view.carriers()) {
            t.row(c.index(), c.name(), c.backend(), c.tasksRun(), c.steals(), c.polls(), c.completions(),
                    c.wakeupsSent(), c.timersFired(), c.queueDepth(), c.timers());
        }
        return t;
    }

    private static String time(long millis) {
        return TIME.format(Instant.ofEpochMilli(millis));
    }
}
