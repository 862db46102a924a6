package io.weft.pooler.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerControl;
import io.weft.pooler.TestDirs;
import io.weft.pooler.config.ConfigException;
import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.pool.PoolManager;
import io.weft.pooler.protocol.PgReader;
import io.weft.pooler.protocol.PgWriter;
import io.weft.pooler.stats.ClientStats;
import io.weft.pooler.stats.PoolerStats;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.SocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's dispatch, without a network: RELOAD, PAUSE, RESUME and SHUTDOWN reach the
 * {@link PoolerControl} (a recording one), what it throws becomes an ErrorResponse with a fitting
 * SQLSTATE and the console goes on; unknown commands, the extended protocol and non-admin users
 * are refused. The SHOW commands against a real pooler are in it.AdminConsoleTest.
 */
class AdminConsoleDispatchTest {
    /** Records every call; what the next call throws can be set. */
    static final class RecordingControl implements PoolerControl {
        final List<String> calls = new ArrayList<>();
        Exception toThrow;
        boolean pauseResult = true;

        private void record(String call) throws Exception {
            calls.add(call);
            Exception e = toThrow;
            toThrow = null;
            if (e != null) throw e;
        }

        @Override
        public String reload() throws ConfigException {
            try {
                record("reload");
            } catch (ConfigException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return "reloaded: idle_timeout 600s -> 5s";
        }

        @Override
        public boolean pause(Duration timeout) throws InterruptedException {
            try {
                record("pause " + timeout.toSeconds());
            } catch (InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return pauseResult;
        }

        @Override
        public void resume() {
            unchecked("resume");
        }

        @Override
        public void shutdown() {
            unchecked("shutdown");
        }

        @Override
        public void close() {
            unchecked("close");
        }

        private void unchecked(String call) {
            try {
                record(call);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    /** One message the console wrote: its type and, for errors and notices, the fields. */
    record Message(char type, Map<Character, String> fields, String tag) {
        String code() {
            return fields.get('C');
        }
    }

    private Path dir;
    private PoolManager pools;
    private RecordingControl control;
    private AdminConsole console;
    private PoolerStats stats;

    @BeforeEach
    void setUp() throws Exception {
        dir = TestDirs.create("weft-admin-unit-");
        Files.writeString(dir.resolve("weft-pooler.conf"), """
                [pooler]
                port = 0
                admin_users = boss, ops
                [server primary]
                host = 127.0.0.1
                port = 1
                """);
        Files.writeString(dir.resolve("weft-users.conf"), "boss secret\nops secret\nbob secret\n");
        Files.writeString(dir.resolve("weft-databases.conf"), "all all 5\n");
        PoolerConfig config = PoolerConfig.load(dir.resolve("weft-pooler.conf"));
        pools = new PoolManager(config, Thread.ofVirtual().factory(), SocketFactory.getDefault());
        stats = new PoolerStats();
        control = new RecordingControl();
        PoolerView view = new PoolerView(() -> config, pools, stats, List::of, () -> 1, "test");
        console = new AdminConsole(view, control, stats);
    }

    @AfterEach
    void tearDown() {
        pools.close();
    }

    private List<Message> execute(String sql) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PgWriter out = new PgWriter(bytes);
        console.execute(sql, out);
        out.flush();
        return parse(bytes.toByteArray());
    }

    private static List<Message> parse(byte[] bytes) throws IOException {
        PgReader r = new PgReader(new ByteArrayInputStream(bytes), 1 << 20);
        List<Message> messages = new ArrayList<>();
        while (r.next()) {
            char t = (char) r.type();
            Map<Character, String> fields = new java.util.HashMap<>();
            String tag = null;
            if (t == 'E' || t == 'N') {
                int at = 0;
                while (r.byteAt(at) != 0) {
                    char f = (char) r.byteAt(at);
                    fields.put(f, r.cstring(at + 1));
                    at = r.cstringEnd(at + 1);
                }
            } else if (t == 'C') {
                tag = r.cstring(0);
            }
            messages.add(new Message(t, fields, tag));
        }
        return messages;
    }

    private static String types(List<Message> ms) {
        StringBuilder b = new StringBuilder();
        for (Message m : ms) b.append(m.type());
        return b.toString();
    }

    @Test
    void reloadPauseResumeAndShutdownCallTheControl() throws Exception {
        List<Message> reload = execute("RELOAD");
        assertEquals("NC", types(reload), reload::toString);
        assertEquals("reloaded: idle_timeout 600s -> 5s", reload.get(0).fields().get('M'));
        assertEquals("RELOAD", reload.get(1).tag());

        assertEquals("PAUSE", execute("pause;").get(0).tag());
        assertEquals("RESUME", execute("  Resume ; ").get(0).tag());
        assertEquals("SHUTDOWN", execute("shutdown").get(0).tag());
        assertEquals(List.of("reload", "pause " + AdminConsole.PAUSE_WAIT.toSeconds(), "resume", "shutdown"), control.calls);
    }

    @Test
    void aPauseThatTimesOutWarnsAndStillCompletes() throws Exception {
        control.pauseResult = false;
        List<Message> ms = execute("PAUSE");
        assertEquals("NC", types(ms), ms::toString);
        assertEquals("WARNING", ms.get(0).fields().get('S'));
        assertTrue(ms.get(0).fields().get('M').contains("stays paused until RESUME"), ms.toString());
    }

    @Test
    void whatTheControlThrowsBecomesAnErrorAndTheConsoleGoesOn() throws Exception {
        control.toThrow = new UnsupportedOperationException("RELOAD is not implemented in this pooler yet");
        List<Message> ms = execute("RELOAD");
        assertEquals("E", types(ms), ms::toString);
        assertEquals("0A000", ms.get(0).code());
        assertTrue(ms.get(0).fields().get('M').contains("not implemented"), ms.toString());

        control.toThrow = new ConfigException(dir.resolve("weft-pooler.conf"), 3, "port: not an integer: 'x'");
        ms = execute("reload");
        assertEquals("F0000", ms.get(0).code());
        assertTrue(ms.get(0).fields().get('M').contains("weft-pooler.conf") && ms.get(0).fields().get('M').contains("3"),
                ms.toString());

        control.toThrow = new InterruptedException();
        ms = execute("PAUSE");
        assertEquals("57014", ms.get(0).code());
        assertTrue(Thread.interrupted(), "the interrupt is kept");

        control.toThrow = new IllegalStateException("already shutting down");
        assertEquals("XX000", execute("SHUTDOWN").get(0).code());

        assertEquals("RESUME", execute("RESUME").get(0).tag(), "the console still works");
    }

    @Test
    void aControlThatCannotDoItYetGives0A000ForEachCommand() throws Exception {
        // like the placeholder PoolerServer.control() returns in this branch (it.AdminConsoleTest uses the real one)
        PoolerControl placeholder = new PoolerControl() {
            public String reload() { throw new UnsupportedOperationException("RELOAD is not implemented in this pooler yet"); }
            public boolean pause(Duration t) { throw new UnsupportedOperationException("PAUSE"); }
            public void resume() { throw new UnsupportedOperationException("RESUME"); }
            public void shutdown() { throw new UnsupportedOperationException("SHUTDOWN"); }
            public void close() { throw new UnsupportedOperationException("close"); }
        };
        PoolerConfig config = PoolerConfig.load(dir.resolve("weft-pooler.conf"));
        console = new AdminConsole(new PoolerView(() -> config, pools, stats, List::of, () -> 1, "test"), placeholder, stats);
        for (String c : List.of("RELOAD", "PAUSE", "RESUME", "SHUTDOWN")) {
            List<Message> ms = execute(c);
            assertEquals("0A000", ms.get(0).code(), c + ": " + ms);
        }
    }

    @Test
    void unknownCommandsAreSyntaxErrorsAndStopTheRestOfTheQuery() throws Exception {
        List<Message> ms = execute("SHOW BANANAS; RESUME");
        assertEquals("E", types(ms), ms::toString);
        assertEquals("42601", ms.get(0).code());
        assertTrue(ms.get(0).fields().get('M').contains("SHOW HELP"), ms.toString());
        assertTrue(control.calls.isEmpty(), "nothing after the failed command ran");

        assertEquals("I", types(execute(" ; ")), "an empty query gets EmptyQueryResponse");
        List<Message> two = execute("show help; SHOW config;");
        assertEquals(2, two.stream().filter(m -> m.type() == 'C').count(), two::toString);
    }

    @Test
    void showConfigListsTheOptionsButNoPassword() throws Exception {
        assertTrue(ShowTables.secret("ssl_key_password") && ShowTables.secret("server_secret"));
        List<Message> ms = execute("SHOW CONFIG");
        assertEquals('T', ms.get(0).type());
        assertEquals("SHOW", ms.get(ms.size() - 1).tag());
    }

    @Test
    void theExtendedProtocolIsRefusedOnceUntilSyncAndTheConsoleGoesOn() throws Exception {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        PgWriter client = new PgWriter(input);
        client.parse("", "SHOW POOLS");
        client.bind("", "");
        client.execute("", 0);
        client.sync();
        client.query("SHOW HELP");
        client.terminate();
        client.flush();
        List<Message> ms = serve("boss", input.toByteArray());
        // greeting (R, S..., K, Z), then one error and Z for the Sync, then the result of SHOW HELP and Z
        String t = types(ms);
        assertTrue(t.startsWith("R") && t.contains("K"), t);
        String after = t.substring(t.indexOf('K') + 2);
        assertEquals("EZTDDDDDDDDDDDDCZ".replace("DDDDDDDDDDDD", "D".repeat(ShowTables.COMMANDS.length)), after, t);
        assertEquals("0A000", ms.stream().filter(m -> m.type() == 'E').findFirst().orElseThrow().code());
    }

    @Test
    void aUserNotInAdminUsersGetsFatal42501() throws Exception {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        PgWriter client = new PgWriter(input);
        client.query("SHOW POOLS");
        client.flush();
        List<Message> ms = serve("bob", input.toByteArray());
        assertEquals("E", types(ms), ms::toString);
        assertEquals("FATAL", ms.get(0).fields().get('S'));
        assertEquals("42501", ms.get(0).code());
        assertTrue(ms.get(0).fields().get('M').contains("admin_users"), ms.toString());
        assertEquals(1, stats.unpooled(PoolerStats.Failure.AUTH));
    }

    private List<Message> serve(String user, byte[] input) throws IOException {
        ClientStats client = stats.register(null, user, "weft_admin", "test", new InetSocketAddress("127.0.0.1", 40000),
                new InetSocketAddress("127.0.0.1", 6432));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            console.serve(client, new PgReader(new ByteArrayInputStream(input), 1 << 20), new PgWriter(output),
                    new io.weft.pooler.admin.ConsoleEnd(() -> false));
        } finally {
            stats.remove(client);
        }
        assertTrue(stats.adminClients().isEmpty());
        return parse(output.toByteArray());
    }
}
