package io.weft.pooler.session;

import io.weft.pooler.config.Pipeline;
import io.weft.pooler.pool.PoolTimeoutException;
import io.weft.pooler.pool.ServerConnection;
import io.weft.pooler.pool.ServerPool;
import io.weft.pooler.pool.ShuttingDownException;
import io.weft.pooler.protocol.PgReader;
import io.weft.pooler.protocol.PgWriter;
import io.weft.pooler.protocol.SqlState;
import io.weft.pooler.stats.ClientStats;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Moves one client's messages to its server connection and the server's back, with two
 * threads: the client's own thread reads the client and writes the server; a server thread,
 * started for each attached server connection, reads the server and writes the client. Plain
 * blocking code on virtual threads.
 *
 * <h2>When a server connection goes back to the pool</h2>
 * {@code pendingSyncs} counts the Sync, Query and FunctionCall messages sent whose
 * ReadyForQuery has not come back; {@code dirty} says extended-protocol messages were sent
 * since the last Sync. The client thread updates both under {@code lock} before it writes,
 * so the server thread, which decides under the same lock, never returns a connection a
 * message is on its way to. Session pipeline: when the client leaves. Transaction pipeline:
 * after a ReadyForQuery that says idle, with nothing pending.
 *
 * <h2>Prepared statements in the transaction pipeline</h2>
 * A client's named statement is prepared on servers under a content-derived name
 * ({@link Statement}); a Bind or Describe on a server that lacks it gets a Parse injected
 * before it, whose ParseComplete is swallowed; a Parse of a statement the server already has
 * is not sent and a ParseComplete is made up; a Close of a statement is answered by the
 * pooler. {@code plan} lists, in order, what each message sent (or skipped) will be answered
 * with, so the server thread knows which replies to drop and where to insert made-up ones.
 *
 * <h2>When the client leaves</h2>
 * The client thread sends a CopyFail if a COPY FROM STDIN was running; a Parse that cannot
 * succeed if extended-protocol messages are unsynced (so their implicit transaction fails
 * instead of being committed by the Sync, as PostgreSQL rolls it back when its client goes);
 * and a Sync; and marks the relay closing. The server thread drops replies from then on; at
 * the ReadyForQuery that answers the last Sync it rolls back an open transaction, runs
 * DISCARD ALL in the session pipeline, and gives the connection back (or closes it if
 * anything went wrong).
 */
final class Relay {
    private static final System.Logger LOG = System.getLogger("io.weft.pooler");
    /**
     * Not SQL: its Parse always fails, which fails a departed client's unsynced work (see
     * leave). The server log shows it as the failed statement.
     */
    private static final String ABANDONED = "weft: the client disconnected before Sync";
    private static final Pattern RESETS_STATEMENTS =
            Pattern.compile("^\\s*(DISCARD\\s+ALL|DEALLOCATE)\\b", Pattern.CASE_INSENSITIVE);

    /** What a message sent to the server (or skipped) will be answered with. */
    private enum Expect {
        PARSE, INJECTED_PARSE, BIND, CLOSE, DESCRIBE, EXECUTE, SYNC, QUERY, FUNCTION,
        /** A Parse not sent: the pooler answers ParseComplete. */
        MADE_UP_PARSE,
        /** A Close of a statement not sent: the pooler answers CloseComplete. */
        MADE_UP_CLOSE
    }

    private record Planned(Expect expect, String serverName) {}

    private final ClientSession session;
    private final Pipeline pipeline;
    private final ServerPool pool;
    private final ThreadFactory threads;
    private final long blockingTimeoutMillis;
    private final PgReader client;
    private final PgWriter clientOut;
    private final ReentrantLock clientWriteLock;
    private final MessageBuilder builder = new MessageBuilder();
    private final Map<String, String> clientParameters;
    /** The client's counters (SHOW CLIENTS/STATS, metrics): plain single-writer fields, see ClientStats. */
    private final ClientStats stats;

    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock:
    private ServerConnection server;
    private int pendingSyncs;
    private boolean dirty;
    private boolean copyIn;
    private boolean closing;
    private byte lastStatus = 'I';
    /** The server thread is writing a reply to the client: made-up replies behind it must wait. */
    private boolean replyInFlight;
    /** Graceful shutdown: end the client at its next idle ReadyForQuery. */
    private boolean endAtIdle;
    /** The client was told 57P01 (or aborted): no new work for it. */
    private boolean ended;
    /** The server thread is forwarding a ReadyForQuery: a 57P01 must come after it, not before. */
    private boolean readyInFlight;
    private final ArrayDeque<Planned> plan;
    private final Map<String, Statement> statements = new HashMap<>();

    Relay(ClientSession session, Pipeline pipeline, ServerPool pool, ThreadFactory threads, long blockingTimeoutMillis,
          PgReader client, PgWriter clientOut, Map<String, String> clientParameters) {
        this.session = session;
        this.pipeline = pipeline;
        this.pool = pool;
        this.threads = threads;
        this.blockingTimeoutMillis = blockingTimeoutMillis;
        this.client = client;
        this.clientOut = clientOut;
        this.clientParameters = clientParameters;
        this.clientWriteLock = session.writeLock();
        this.stats = session.stats;
        this.plan = pipeline == Pipeline.TRANSACTION ? new ArrayDeque<>() : null;
    }

    // ---- the client thread ------------------------------------------------------------

    /** Session pipeline: attaches the client's server connection before the client is told it is in. */
    ServerConnection attachForSession() throws IOException {
        return attach();
    }

    /**
     * Relays client messages until the client leaves; then starts the clean-up.
     *
     * <p>The loop only calls {@link #relayClientMessage()}, and {@link #serverLoop} likewise:
     * see {@link #relayServerMessage} for why.
     */
    void run() throws IOException {
        try {
            while (relayClientMessage()) {
                // each message is relayed in the call
            }
        } finally {
            leave();
        }
    }

    /** Reads one client message and passes it on; false once the client leaves or was told to. */
    private boolean relayClientMessage() throws IOException {
        if (!client.next()) {
            return false;
        }
        byte t = client.type();
        stats.fromClient(t, client.length());
        if (t == 'X') {
            return false;
        }
        Outgoing msg = analyze(t);
        if (answeredWithoutServer(msg)) {
            return true;
        }
        ServerConnection s = pinAndPlan(msg);
        if (s == null) {
            return false; // the client was told why
        }
        send(s, msg);
        if (msg.madeUp) {
            answerMadeUpAtHead();
        }
        return true;
    }

    /**
     * One client message on its way to the server: what it is and, in the transaction
     * pipeline, the statement it names. Decided from the message alone, before any lock.
     */
    private static final class Outgoing {
        byte type;
        /** Transaction pipeline: the named statement a Parse defines or a Bind/Describe uses. */
        Statement statement;
        /** The client's name for {@link #statement}. */
        String clientName;
        /** Set while planning: a Parse to inject before this message. */
        boolean inject;
        /** Set while planning: nothing is sent, the pooler answers (a Parse the server has, a Close). */
        boolean madeUp;
        /** Set while planning: send the message with the server name instead of the client's. */
        boolean rewrite;
    }

    private final Outgoing outgoing = new Outgoing();

    private Outgoing analyze(byte t) throws IOException {
        Outgoing m = outgoing;
        m.type = t;
        m.statement = null;
        m.clientName = null;
        m.inject = false;
        m.madeUp = false;
        m.rewrite = false;
        if (plan == null) return m;
        switch (t) {
            case 'P' -> {
                String name = client.cstring(0);
                if (!name.isEmpty()) {
                    int queryAt = client.cstringEnd(0);
                    String query = client.cstring(queryAt);
                    int typesAt = client.cstringEnd(queryAt);
                    m.clientName = name;
                    m.statement = Statement.of(query,
                            java.util.Arrays.copyOfRange(client.payload(), typesAt, client.length()));
                }
            }
            case 'B' -> m.clientName = client.cstring(client.cstringEnd(0));
            case 'D', 'C' -> {
                if (client.byteAt(0) == 'S') m.clientName = client.cstring(1);
            }
            default -> { }
        }
        if (m.clientName != null && m.clientName.isEmpty()) m.clientName = null;
        return m;
    }

    /**
     * Transaction pipeline with no server attached (so nothing is outstanding): a Parse of a
     * named statement, a Close of one, a Sync and a Flush are answered by the pooler itself,
     * and the statement is prepared on a server only when a Bind or Describe first uses it
     * there. Besides saving a round trip, this keeps a client that prepares synchronously
     * (pgbench -M prepared does, from a thread that also drives clients inside transactions)
     * from waiting for a server while its other clients hold them: with fewer server
     * connections than clients that is a deadlock. The price: a statement with an error is
     * reported at its first use instead of at Parse.
     */
    private boolean answeredWithoutServer(Outgoing m) throws IOException {
        if (plan == null) {
            return false;
        }
        lock.lock();
        try {
            if (server != null || !plan.isEmpty()) {
                return false;
            }
            clientWriteLock.lock();
            try {
                switch (m.type) {
                    case 'P' -> {
                        // A name in use goes to a server, which refuses it (planTracked).
                        if (m.statement == null || statements.containsKey(m.clientName)) return false;
                        statements.put(m.clientName, m.statement);
                        clientOut.parseComplete();
                    }
                    case 'C' -> {
                        if (m.clientName == null) return false;
                        statements.remove(m.clientName);
                        clientOut.closeComplete();
                    }
                    case 'S' -> {
                        clientOut.readyForQuery((byte) 'I');
                        clientOut.flush();
                    }
                    case 'H' -> clientOut.flush();
                    default -> {
                        return false;
                    }
                }
                return true;
            } finally {
                clientWriteLock.unlock();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Finds the server connection for {@code m} (acquiring one if none is attached) and, under
     * the same hold of the lock, counts and plans the message: from then on the server thread
     * cannot hand the connection back before the message's reply has come.
     */
    private ServerConnection pinAndPlan(Outgoing m) throws IOException {
        for (;;) {
            boolean end;
            lock.lock();
            try {
                end = takeEnd();
                if (!end && ended) return null;
                if (!end && server != null) {
                    if (plan == null) {
                        count(m.type);
                    } else {
                        planTracked(server, m);
                    }
                    return server;
                }
            } finally {
                lock.unlock();
            }
            if (end) {
                endClient(); // the message would start new work: it is not sent
                return null;
            }
            if (attach() == null) {
                return null;
            }
        }
    }

    /** Under lock: counters, plan and the server's statement set for one transaction-pipeline message. */
    private void planTracked(ServerConnection s, Outgoing m) {
        byte t = m.type;
        count(t);
        switch (t) {
            case 'P' -> {
                Statement existing = m.clientName == null ? null : statements.get(m.clientName);
                if (m.statement == null) {
                    plan.add(new Planned(Expect.PARSE, null));
                } else if (existing != null) {
                    planDuplicateParse(s, m, existing);
                } else {
                    statements.put(m.clientName, m.statement);
                    if (s.prepared.contains(m.statement.serverName())) {
                        m.madeUp = true;
                        plan.add(new Planned(Expect.MADE_UP_PARSE, null));
                    } else {
                        s.prepared.add(m.statement.serverName());
                        m.rewrite = true;
                        plan.add(new Planned(Expect.PARSE, m.statement.serverName()));
                    }
                }
            }
            case 'B', 'D' -> {
                Statement st = m.clientName == null ? null : statements.get(m.clientName);
                if (st != null) {
                    m.statement = st;
                    m.rewrite = true;
                    if (!s.prepared.contains(st.serverName())) {
                        s.prepared.add(st.serverName());
                        m.inject = true;
                        plan.add(new Planned(Expect.INJECTED_PARSE, st.serverName()));
                    }
                }
                plan.add(new Planned(t == 'B' ? Expect.BIND : Expect.DESCRIBE, null));
            }
            case 'C' -> {
                if (m.clientName != null) {
                    // The server keeps its copy (other clients may share it); the client's name goes.
                    statements.remove(m.clientName);
                    m.madeUp = true;
                    plan.add(new Planned(Expect.MADE_UP_CLOSE, null));
                } else {
                    plan.add(new Planned(Expect.CLOSE, null));
                }
            }
            case 'E' -> plan.add(new Planned(Expect.EXECUTE, null));
            case 'S' -> plan.add(new Planned(Expect.SYNC, null));
            case 'F' -> plan.add(new Planned(Expect.FUNCTION, null));
            case 'Q' -> {
                plan.add(new Planned(Expect.QUERY, null));
                try {
                    if (RESETS_STATEMENTS.matcher(client.cstring(0)).find()) {
                        s.prepared.clear(); // the server will forget every prepared statement
                        statements.clear();
                    }
                } catch (IOException malformed) {
                    // the server will answer the malformed query with an error
                }
            }
            default -> { } // Flush, COPY data: no reply of their own
        }
    }

    private ServerConnection attach() throws IOException {
        ServerConnection s;
        long waitStart = stats.startWaiting();
        try {
            s = pool.acquire(blockingTimeoutMillis);
        } catch (PoolTimeoutException e) {
            session.fatal(SqlState.CANNOT_CONNECT_NOW, e.getMessage());
            return null;
        } catch (ShuttingDownException e) {
            session.fatal(SqlState.ADMIN_SHUTDOWN, e.getMessage());
            return null;
        } catch (IOException e) {
            session.fatal(SqlState.CONNECTION_FAILURE, "the pooler cannot reach the server: " + e.getMessage());
            return null;
        } finally {
            stats.stopWaiting(waitStart);
        }
        try {
            applyClientParameters(s);
        } catch (IOException e) {
            pool.discard(s);
            session.fatal(SqlState.CONNECTION_FAILURE, "cannot set up a server connection: " + e.getMessage());
            return null;
        }
        lock.lock();
        try {
            server = s;
            lastStatus = 'I';
        } finally {
            lock.unlock();
        }
        s.serve(stats);
        threads.newThread(() -> serverLoop(s)).start();
        return s;
    }

    /**
     * Applies the parameters the client asked for at start-up that the server connection
     * does not already have (reported ones are compared; others are always set).
     */
    private void applyClientParameters(ServerConnection s) throws IOException {
        StringBuilder sql = new StringBuilder();
        for (Map.Entry<String, String> e : clientParameters.entrySet()) {
            String current = s.parameters.get(e.getKey());
            if (e.getValue().equals(current)) continue;
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_.]*")) continue;
            sql.append("SET ").append(e.getKey()).append(" = '").append(e.getValue().replace("'", "''")).append("';");
        }
        if (!sql.isEmpty()) {
            s.simpleQuery(sql.toString());
        }
    }

    /**
     * Updates pendingSyncs / dirty / copyIn for a client message about to be sent. Under lock.
     * Every message but COPY data makes the connection busy until its reply: a Sync-like one
     * by pendingSyncs, any other by dirty (cleared by the next Sync).
     */
    private void count(byte t) {
        switch (t) {
            case 'S', 'Q', 'F' -> {
                pendingSyncs++;
                dirty = false;
            }
            case 'd' -> { }
            case 'c', 'f' -> copyIn = false;
            default -> dirty = true;
        }
    }

    /** Sync points and the end of a COPY: the server acts on what came before, so send it now. */
    private static boolean isFlushPoint(byte t) {
        return t == 'S' || t == 'Q' || t == 'H' || t == 'F' || t == 'c' || t == 'f';
    }

    /** Writes {@code m} (as is, rewritten, or not at all if made up) to {@code s}. */
    private void send(ServerConnection s, Outgoing m) throws IOException {
        s.writeLock.lock();
        try {
            if (m.inject) {
                writeParse(s, m.statement);
            }
            if (!m.madeUp) {
                if (!m.rewrite) {
                    s.writer.forward(client);
                } else if (m.type == 'P') {
                    writeParse(s, m.statement);
                } else if (m.type == 'B') {
                    int stmtAt = client.cstringEnd(0);
                    int restAt = client.cstringEnd(stmtAt);
                    builder.reset().cstring(client.cstring(0)).cstring(m.statement.serverName())
                            .bytes(client.payload(), restAt, client.length() - restAt).writeTo(s.writer, (byte) 'B');
                } else { // Describe of a statement
                    builder.reset().int8('S').cstring(m.statement.serverName()).writeTo(s.writer, (byte) 'D');
                }
            }
            if (isFlushPoint(m.type)) s.writer.flush();
        } finally {
            s.writeLock.unlock();
        }
    }

    private void writeParse(ServerConnection s, Statement st) throws IOException {
        builder.reset().cstring(st.serverName()).cstring(st.query())
                .bytes(st.paramTypes(), 0, st.paramTypes().length).writeTo(s.writer, (byte) 'P');
    }

    /** Answers made-up replies that are next in line (nothing sent before them is pending). */
    private void answerMadeUpAtHead() throws IOException {
        lock.lock();
        try {
            // If the server thread is writing a reply, it answers these after it.
            if (!replyInFlight && answerMadeUp()) flushClient();
        } finally {
            lock.unlock();
        }
    }

    /** Under lock: writes ParseComplete / CloseComplete for made-up entries at the head of the plan. */
    private boolean answerMadeUp() throws IOException {
        boolean any = false;
        Planned head;
        while ((head = plan.peek()) != null
                && (head.expect() == Expect.MADE_UP_PARSE || head.expect() == Expect.MADE_UP_CLOSE)) {
            plan.poll();
            if (!closing) {
                clientWriteLock.lock();
                try {
                    if (head.expect() == Expect.MADE_UP_PARSE) clientOut.parseComplete();
                    else clientOut.closeComplete();
                } finally {
                    clientWriteLock.unlock();
                }
                any = true;
            }
        }
        return any;
    }

    private void flushClient() throws IOException {
        clientWriteLock.lock();
        try {
            clientOut.flush();
        } finally {
            clientWriteLock.unlock();
        }
    }

    /**
     * The client left (Terminate, end of stream or an error) or never got in (its greeting
     * failed after a session-pipeline connection was attached): hand the clean-up to the
     * server thread. Call once.
     */
    void leave() {
        ServerConnection s;
        boolean copyFail;
        boolean unsynced;
        lock.lock();
        try {
            closing = true;
            s = server;
            copyFail = copyIn;
            unsynced = dirty;
            if (s != null) {
                pendingSyncs++;
                copyIn = false;
                dirty = false;
                if (plan != null) {
                    if (unsynced) plan.add(new Planned(Expect.PARSE, null));
                    plan.add(new Planned(Expect.SYNC, null));
                }
            }
        } finally {
            lock.unlock();
        }
        if (s == null) return;
        s.writeLock.lock();
        try {
            if (copyFail) {
                builder.reset().cstring("client disconnected").writeTo(s.writer, (byte) 'f');
            }
            if (unsynced) {
                // Extended-protocol messages since the last Sync run in an implicit transaction
                // that the Sync below would commit, where PostgreSQL, seeing its client go,
                // would roll it back. A Parse that cannot succeed (a syntax error, whatever
                // the client named) fails it first, so the Sync ends it with a rollback (and
                // an explicit block is left failed, for the ROLLBACK of the reset).
                s.writer.parse("", ABANDONED);
            }
            s.writer.sync();
            s.writer.flush();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "could not end the session on " + s + ": " + e.getMessage());
            // the server thread's read fails too and it discards the connection
        } finally {
            s.writeLock.unlock();
        }
    }

    // ---- the server thread ------------------------------------------------------------

    /** What the server thread carries from one message to the next. */
    private static final class ServerThreadState {
        /** False once a write to the client failed: replies are then read and dropped. */
        boolean clientWritable = true;
    }

    private void serverLoop(ServerConnection s) {
        ServerThreadState state = new ServerThreadState();
        try {
            while (relayServerMessage(s, state)) {
                // each message is relayed in the call
            }
        } catch (IOException | RuntimeException e) {
            boolean wasClosing;
            lock.lock();
            try {
                wasClosing = closing;
                if (server == s) server = null;
            } finally {
                lock.unlock();
            }
            pool.discard(s);
            if (!wasClosing && !aborted) {
                LOG.log(Level.WARNING, "lost " + s + ": " + e.getMessage());
                session.fatal(SqlState.CONNECTION_FAILURE, "server connection lost: " + e.getMessage());
                session.closeClientSocket();
                pool.connectionLost(s); // is the server down? (failover)
            }
        }
    }

    /**
     * Reads one server message and passes it on; false once the connection was given back.
     *
     * <p>Why each message is a call of its own: a session's two threads live as long as the
     * session, and a frame keeps the code it was entered with. A loop frame entered before the
     * JIT compiled the method with C2 runs the interpreter's or C1's profiling code for the rest
     * of its life (only interpreted frames move to newer code in the middle of a loop). With the
     * loop body inline, every session opened before C2 finished, which in a benchmark is all of
     * them, relayed its whole life in C1 code. A call per message enters the newest code each
     * time: pgbench measured 15-19% less pooler user time per transaction (docs/benchmarks.md).
     */
    private boolean relayServerMessage(ServerConnection s, ServerThreadState state) throws IOException {
        if (!s.reader.next()) throw new java.io.EOFException("server closed the connection");
        byte t = s.reader.type();
        if (t == 'S') s.recordParameter();
        boolean forward;
        boolean maybeRelease = false;
        boolean reset = false;
        lock.lock();
        try {
            forward = plan == null || track(s, t);
            if (t == 'G') copyIn = true;
            if (t == 'Z') {
                readyInFlight = true;
                pendingSyncs--;
                lastStatus = s.reader.byteAt(0);
                if (closing) {
                    reset = pendingSyncs == 0;
                } else if (pipeline == Pipeline.TRANSACTION && lastStatus == 'I' && pendingSyncs == 0 && !dirty) {
                    maybeRelease = true;
                }
            }
            if (closing) forward = false;
            if (forward && state.clientWritable) stats.toClient(t, s.reader.length(), lastStatus);
            replyInFlight = plan != null && forward && state.clientWritable;
        } finally {
            lock.unlock();
        }
        if (forward && state.clientWritable) {
            try {
                clientWriteLock.lock();
                try {
                    clientOut.forward(s.reader);
                    if (t == 'Z' || t == 'G' || s.reader.buffered() == 0) clientOut.flush();
                } finally {
                    clientWriteLock.unlock();
                }
            } catch (IOException e) {
                state.clientWritable = false; // the client is gone; its thread will notice and leave
                session.closeClientSocket();
            }
            if (plan != null) {
                lock.lock();
                try {
                    replyInFlight = false;
                    // Made-up replies that were waiting behind this one.
                    if (state.clientWritable && answerMadeUp()) flushClient();
                } catch (IOException e) {
                    state.clientWritable = false;
                    session.closeClientSocket();
                } finally {
                    lock.unlock();
                }
            }
        }
        if (t == 'Z' && readyForwarded() && state.clientWritable) {
            endClient(); // graceful shutdown: the transaction is over, the client goes
        }
        if (reset) {
            resetAndRelease(s);
            return false;
        }
        if (maybeRelease && detach(s)) {
            pool.release(s);
            return false;
        }
        return true;
    }

    /** Detaches {@code s} if nothing was sent to it since the decision; true if detached. */
    private boolean detach(ServerConnection s) {
        lock.lock();
        try {
            if (server != s || pendingSyncs != 0 || dirty || closing || (plan != null && !plan.isEmpty())) {
                return false;
            }
            server = null;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Transaction pipeline, under lock: matches a server reply to the plan. Returns whether to
     * forward it to the client (false for replies to injected Parses).
     */
    private boolean track(ServerConnection s, byte t) throws IOException {
        if (t == 'N' || t == 'S' || t == 'A') {
            return true; // notices, parameter changes, notifications: any time
        }
        answerMadeUp();
        Planned head = plan.peek();
        if (t == 'E') {
            // The failed message, and everything up to the next Sync, gets no other reply.
            if (head != null && head.expect() != Expect.SYNC && head.expect() != Expect.QUERY
                    && head.expect() != Expect.FUNCTION) {
                forget(s, plan.poll());
                while ((head = plan.peek()) != null && head.expect() != Expect.SYNC
                        && head.expect() != Expect.QUERY && head.expect() != Expect.FUNCTION) {
                    forget(s, plan.poll());
                }
            }
            return true;
        }
        if (t == 'Z') {
            while ((head = plan.poll()) != null) {
                if (head.expect() == Expect.SYNC || head.expect() == Expect.QUERY || head.expect() == Expect.FUNCTION) {
                    break;
                }
            }
            return true;
        }
        if (head == null) {
            return true;
        }
        boolean done = switch (head.expect()) {
            case PARSE, INJECTED_PARSE -> t == '1';
            case BIND -> t == '2';
            case CLOSE -> t == '3';
            case DESCRIBE -> t == 'T' || t == 'n';
            case EXECUTE -> t == 'C' || t == 'I' || t == 's';
            default -> false; // QUERY, FUNCTION, SYNC end at ReadyForQuery
        };
        if (!done) {
            return true;
        }
        plan.poll();
        return head.expect() != Expect.INJECTED_PARSE;
    }

    /**
     * Under lock: a Parse of a name the client already uses. PostgreSQL refuses it with
     * 42P05 and skips to the next Sync; the pooler must not quietly replace the statement.
     * The server is made to refuse it itself, so the error and the skipping are PostgreSQL's:
     * the client's existing statement is prepared there if it is not yet, then parsed again
     * under the same server name (the error therefore names the server's name). The failing
     * Parse is planned without a server name, so the error does not make the pooler forget
     * that the server has the statement.
     */
    private void planDuplicateParse(ServerConnection s, Outgoing m, Statement existing) {
        m.statement = existing;
        m.rewrite = true;
        if (!s.prepared.contains(existing.serverName())) {
            s.prepared.add(existing.serverName());
            m.inject = true;
            plan.add(new Planned(Expect.INJECTED_PARSE, existing.serverName()));
        }
        plan.add(new Planned(Expect.PARSE, null));
    }

    /** A planned message the server skipped after an error: a Parse of it did not happen. */
    private static void forget(ServerConnection s, Planned p) {
        if ((p.expect() == Expect.PARSE || p.expect() == Expect.INJECTED_PARSE) && p.serverName() != null) {
            s.prepared.remove(p.serverName());
        }
    }

    /** After the client left: roll back, reset, and give the connection back; close it on trouble. */
    private void resetAndRelease(ServerConnection s) {
        try {
            s.setReadTimeout(10_000);
            byte status;
            lock.lock();
            try {
                status = lastStatus;
                server = null;
            } finally {
                lock.unlock();
            }
            if (status != 'I') {
                s.simpleQuery("ROLLBACK");
            }
            if (pipeline == Pipeline.SESSION) {
                s.simpleQuery("DISCARD ALL");
                s.prepared.clear();
            }
            s.setReadTimeout(0);
            pool.release(s);
        } catch (IOException e) {
            LOG.log(Level.INFO, "could not reset " + s + ", closing it: " + e.getMessage());
            pool.discard(s);
        }
    }

    // ---- shutdown ----------------------------------------------------------------------

    private volatile boolean aborted;

    /**
     * Graceful shutdown, any thread: the client is ended (FATAL 57P01, as PostgreSQL sends at
     * its shutdown) at its next idle ReadyForQuery, so its transaction in flight finishes, or
     * now if it is idle. Idle: no transaction open, nothing sent unanswered, no COPY; in the
     * session pipeline between transactions, in the transaction pipeline also with no server
     * attached. Whichever thread sees the idle point first (this one, the server thread after
     * forwarding ReadyForQuery, the client thread about to send new work) ends it, once.
     */
    void endWhenIdle() {
        boolean end;
        lock.lock();
        try {
            endAtIdle = true;
            end = takeEnd();
        } finally {
            lock.unlock();
        }
        if (end) endClient();
    }

    /** The server thread has forwarded a ReadyForQuery: true (once) if the client is to be ended now. */
    private boolean readyForwarded() {
        lock.lock();
        try {
            readyInFlight = false;
            return takeEnd();
        } finally {
            lock.unlock();
        }
    }

    /** Under lock: true (once) if the client is to be ended now. */
    private boolean takeEnd() {
        if (!endAtIdle || ended || closing || readyInFlight) return false;
        if (pendingSyncs != 0 || dirty || copyIn || lastStatus != 'I' || (plan != null && !plan.isEmpty())) {
            return false;
        }
        ended = true;
        return true;
    }

    /** Tells the client the pooler is shutting down and closes it; its thread then leaves as usual. */
    private void endClient() {
        session.fatal(SqlState.ADMIN_SHUTDOWN, "terminating connection due to administrator command");
        session.closeClientSocket();
    }

    /**
     * Immediate shutdown, any thread: closes the server connection under the client, whatever
     * it is doing (PostgreSQL rolls back an open transaction when its connection goes).
     */
    void abort() {
        ServerConnection s;
        lock.lock();
        try {
            aborted = true;
            ended = true;
            s = server;
        } finally {
            lock.unlock();
        }
        if (s != null) s.close();
    }

    /** The client's CancelRequest: sent to the server connection it uses now, under the lock so it cannot change. */
    void cancelCurrentQuery() {
        lock.lock();
        try {
            ServerConnection s = server;
            if (s == null) return;
            try {
                s.sendCancel(5000);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cancel request to " + s + " failed: " + e.getMessage());
            }
        } finally {
            lock.unlock();
        }
    }
}
