package io.weft.agent.apps;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * pgjdbc, unmodified, on virtual threads: {@code THREADS} threads, each with its own connection,
 * create a table, insert {@code ROWS} rows one statement at a time, read back their sum and
 * count, and drop the table. Prints {@code ok <thread> <sum>} or {@code wrong ...} per thread,
 * {@code done <ok>/<threads>}, and the agent's counters.
 *
 * <p>Arguments: JDBC URL, user, password, threads, rows per thread.
 */
public final class PgjdbcApp {
    private PgjdbcApp() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String password = args[2];
        int threads = Integer.parseInt(args[3]);
        int rows = Integer.parseInt(args[4]);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(vts.submit(() -> oneThread(url, user, password, id, rows)));
            }
            int ok = 0;
            for (Future<String> f : results) {
                String r;
                try {
                    r = f.get(120, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    r = "wrong " + e.getCause();
                    e.getCause().printStackTrace();
                }
                System.out.println(r);
                if (r.startsWith("ok ")) {
                    ok++;
                }
            }
            System.out.println("done " + ok + "/" + threads);
        }
        AgentStatus.print();
    }

    private static String oneThread(String url, String user, String password, int id, int rows) throws Exception {
        String table = "agent_t" + id;
        long expected = 0;
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
                s.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v bigint NOT NULL)");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (id, v) VALUES (?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    long v = (long) id * 1_000_000 + i * 7L;
                    insert.setInt(1, i);
                    insert.setLong(2, v);
                    insert.executeUpdate();
                    expected += v;
                }
            }
            long sum;
            long count;
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT coalesce(sum(v), 0), count(*) FROM " + table)) {
                r.next();
                sum = r.getLong(1);
                count = r.getLong(2);
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE " + table);
            }
            String where = " on " + (Thread.currentThread().toString().contains("@weft-carrier") ? "weft" : "jdk");
            if (sum != expected || count != rows) {
                return "wrong " + id + ": sum " + sum + " count " + count + ", expected " + expected + " and " + rows;
            }
            return "ok " + id + " " + sum + where;
        }
    }
}
