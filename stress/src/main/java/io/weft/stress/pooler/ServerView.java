package io.weft.stress.pooler;

import io.weft.pooler.pg.EmbeddedPostgres;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What PostgreSQL itself says, asked as the superuser over its Unix socket (never through the
 * pooler): the pool's sessions in {@code pg_stat_activity}, the ledger's rows, the history rows
 * per pgbench process, and the TPC-B balances.
 */
final class ServerView {
    /** One backend of the pool's user: its state and whether a transaction is open in it. */
    record Session(int pid, String state, boolean inTransaction, String applicationName, String query) {
        boolean clean() {
            return state.equals("idle") && !inTransaction;
        }

        @Override
        public String toString() {
            return "pid " + pid + " " + state + (inTransaction ? " (transaction open)" : "") + " app=" + applicationName
                    + " query=" + query;
        }
    }

    private final EmbeddedPostgres pg;
    private final String database;
    private final String user;

    ServerView(EmbeddedPostgres pg, String database, String user) {
        this.pg = pg;
        this.database = database;
        this.user = user;
    }

    /** Client backends of the pool's user: the pool's server connections and nothing else. */
    List<Session> sessions() {
        List<Session> s = new ArrayList<>();
        for (List<String> r : pg.query(database, "SELECT pid, coalesce(state, ''), xact_start IS NOT NULL,"
                + " coalesce(application_name, ''), left(regexp_replace(query, '\\s+', ' ', 'g'), 80)"
                + " FROM pg_stat_activity WHERE usename = " + EmbeddedPostgres.literal(user)
                + " AND backend_type = 'client backend' ORDER BY pid")) {
            s.add(new Session(Integer.parseInt(r.get(0)), r.get(1), r.get(2).equals("t"), r.get(3), r.get(4)));
        }
        return s;
    }

    /** Ids of the ledger rows of one run. */
    List<Long> ledgerIds(String run) {
        List<Long> ids = new ArrayList<>();
        for (List<String> r : pg.query(database, "SELECT id FROM " + Ledger.TABLE + " WHERE run = "
                + EmbeddedPostgres.literal(run))) {
            ids.add(Long.parseLong(r.get(0)));
        }
        return ids;
    }

    /** pgbench_history rows per pgbench process tag. */
    Map<Integer, Long> historyByTag() {
        Map<Integer, Long> m = new HashMap<>();
        for (List<String> r : pg.query(database, "SELECT trim(filler), count(*) FROM pgbench_history"
                + " WHERE filler IS NOT NULL GROUP BY 1")) {
            m.put(Integer.parseInt(r.get(0)), Long.parseLong(r.get(1)));
        }
        return m;
    }

    /**
     * Sums of the account, teller and branch balances and of the history's deltas: every TPC-B
     * transaction adds its delta to each, so they are equal unless a transaction was torn (part
     * of it committed).
     */
    List<Long> balances() {
        List<String> r = pg.query(database, "SELECT (SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts),"
                + " (SELECT coalesce(sum(tbalance), 0) FROM pgbench_tellers),"
                + " (SELECT coalesce(sum(bbalance), 0) FROM pgbench_branches),"
                + " (SELECT coalesce(sum(delta), 0) FROM pgbench_history)").get(0);
        return r.stream().map(Long::parseLong).toList();
    }
}
