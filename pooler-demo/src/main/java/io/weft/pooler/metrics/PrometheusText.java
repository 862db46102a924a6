package io.weft.pooler.metrics;

import io.weft.pooler.admin.PoolerView;
import io.weft.pooler.stats.PoolTotals;
import io.weft.pooler.stats.PoolerStats;
import io.weft.scheduler.CarrierStats;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The pooler's metrics in Prometheus' text exposition format 0.0.4: for each metric family a
 * {@code # HELP} and a {@code # TYPE} line, then its samples; counters end in {@code _total};
 * labels {@code database}, {@code user}, {@code state}, {@code kind}, {@code carrier}.
 */
final class PrometheusText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(8192);

    private PrometheusText() {}

    static String render(PoolerView view) {
        PrometheusText t = new PrometheusText();
        t.pooler(view);
        t.pools(view.pools());
        t.carriers(view.carriers());
        return t.out.toString();
    }

    private void pooler(PoolerView view) {
        family("weft_pooler_clients_connected", "gauge", "Clients connected now, logging in or logged in.");
        sample("weft_pooler_clients_connected", view.connectedClients());
        family("weft_pooler_failures_total", "counter",
                "Pooler-side failures: auth (login or admin refused), protocol (client dropped with 08P01),"
                        + " server_connect (a server connection could not be opened), rejected (other start-up refusals).");
        for (PoolerStats.Failure f : PoolerStats.Failure.values()) {
            sample("weft_pooler_failures_total", view.failures(f), "kind", f.label());
        }
        family("weft_pooler_failovers_total", "counter",
                "Times new server connections moved to the next server because one was found down.");
        sample("weft_pooler_failovers_total", view.failovers());
        family("weft_pooler_server_up", "gauge",
                "1 if new server connections may go to this [server] section, 0 while it is marked down.");
        for (PoolerView.ServerHealth s : view.serverHealth()) {
            sample("weft_pooler_server_up", s.up() ? 1 : 0, "server", s.name(), "address", s.host() + ":" + s.port());
        }
    }

    private void pools(List<PoolerView.PoolRow> pools) {
        family("weft_pooler_client_connections", "gauge",
                "Clients logged in to a pool: active (a server connection attached), waiting (for one), idle.");
        for (PoolerView.PoolRow p : pools) {
            sample("weft_pooler_client_connections", p.clActive(), "database", p.database(), "user", p.user(), "state", "active");
            sample("weft_pooler_client_connections", p.clWaiting(), "database", p.database(), "user", p.user(), "state", "waiting");
            sample("weft_pooler_client_connections", p.clIdle(), "database", p.database(), "user", p.user(), "state", "idle");
        }
        family("weft_pooler_server_connections", "gauge",
                "Server connections of a pool: active (in use, or being opened) and idle (in the pool).");
        for (PoolerView.PoolRow p : pools) {
            sample("weft_pooler_server_connections", p.svActive(), "database", p.database(), "user", p.user(), "state", "active");
            sample("weft_pooler_server_connections", p.svIdle(), "database", p.database(), "user", p.user(), "state", "idle");
        }
        poolGauge(pools, "weft_pooler_pool_max_size", "The pool's max_size.", PoolerView.PoolRow::maxSize);
        poolGauge(pools, "weft_pooler_client_wait_longest_seconds",
                "How long the longest-waiting client of the pool has been waiting for a server connection now.",
                p -> p.longestWaitNanos() / 1e9);
        poolCounter(pools, "weft_pooler_waits_total", "Times a client asked the pool for a server connection.",
                PoolTotals::waits);
        poolCounter(pools, "weft_pooler_wait_seconds_total",
                "Time clients spent waiting for a server connection (connecting included).", t -> t.waitNanos() / 1e9);
        poolGauge(pools, "weft_pooler_wait_max_seconds", "The longest wait for a server connection since the start.",
                p -> p.totals().maxWaitNanos() / 1e9);
        poolCounter(pools, "weft_pooler_transactions_total",
                "Transactions: ReadyForQuery back to idle relayed to clients.", PoolTotals::transactions);
        poolCounter(pools, "weft_pooler_queries_total", "Query and Sync messages from clients.", PoolTotals::queries);
        poolCounter(pools, "weft_pooler_received_bytes_total", "Bytes received from clients.", PoolTotals::received);
        poolCounter(pools, "weft_pooler_sent_bytes_total", "Bytes of server messages sent to clients.", PoolTotals::sent);
        poolCounter(pools, "weft_pooler_server_errors_total", "ErrorResponses relayed to clients.",
                PoolTotals::serverErrors);
        poolCounter(pools, "weft_pooler_errors_total", "ErrorResponses relayed plus the pool's protocol violations and"
                + " server connect failures (SHOW STATS total_errors).", PoolTotals::errors);
    }

    private void poolGauge(List<PoolerView.PoolRow> pools, String name, String help, ToDoubleFunction<PoolerView.PoolRow> value) {
        family(name, "gauge", help);
        for (PoolerView.PoolRow p : pools) sample(name, value.applyAsDouble(p), "database", p.database(), "user", p.user());
    }

    private void poolCounter(List<PoolerView.PoolRow> pools, String name, String help, ToDoubleFunction<PoolTotals> value) {
        family(name, "counter", help);
        for (PoolerView.PoolRow p : pools) {
            sample(name, value.applyAsDouble(p.totals()), "database", p.database(), "user", p.user());
        }
    }

    private void carriers(List<CarrierStats> carriers) {
        family("weft_carrier_info", "gauge", "A Weft carrier thread: its name and poller backend (value 1).");
        for (CarrierStats c : carriers) {
            sample("weft_carrier_info", 1, "carrier", Integer.toString(c.index()), "name", c.name(), "backend", c.backend());
        }
        carrier(carriers, "weft_carrier_tasks_run_total", "counter", "Tasks run (virtual thread continuations and timer tasks).",
                CarrierStats::tasksRun);
        carrier(carriers, "weft_carrier_steals_total", "counter", "Tasks taken from other carriers' run queues.",
                CarrierStats::steals);
        carrier(carriers, "weft_carrier_polls_total", "counter", "Calls to the carrier's poller.", CarrierStats::polls);
        carrier(carriers, "weft_carrier_completions_total", "counter", "Completions the carrier's poller handed out.",
                CarrierStats::completions);
        carrier(carriers, "weft_carrier_wakeups_sent_total", "counter",
                "Wake-ups other threads sent the carrier while it slept (one system call each).", CarrierStats::wakeupsSent);
        carrier(carriers, "weft_carrier_timers_fired_total", "counter", "Timers that fired on the carrier.",
                CarrierStats::timersFired);
        carrier(carriers, "weft_carrier_run_queue_depth", "gauge", "Tasks in the carrier's run queue now.",
                CarrierStats::queueDepth);
        carrier(carriers, "weft_carrier_timers_pending", "gauge", "Timers pending on the carrier now.", CarrierStats::timers);
    }

    private void carrier(List<CarrierStats> carriers, String name, String type, String help, ToDoubleFunction<CarrierStats> value) {
        family(name, type, help);
        for (CarrierStats c : carriers) sample(name, value.applyAsDouble(c), "carrier", Integer.toString(c.index()));
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** One sample: {@code labels} are name, value, name, value, ... */
    private void sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) out.append(',');
                out.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            out.append('}');
        }
        out.append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) out.append((long) value);
        else out.append(value);
        out.append('\n');
    }

    private static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
