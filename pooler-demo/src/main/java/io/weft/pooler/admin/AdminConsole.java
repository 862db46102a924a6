package io.weft.pooler.admin;

import io.weft.pooler.PoolerControl;
import io.weft.pooler.config.ConfigException;
import io.weft.pooler.protocol.PgReader;
import io.weft.pooler.protocol.PgWriter;
import io.weft.pooler.protocol.ProtocolException;
import io.weft.pooler.protocol.SqlState;
import io.weft.pooler.stats.ClientStats;
import io.weft.pooler.stats.PoolerStats;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;

/**
 * The admin console: a virtual database ({@code admin_database}) that the users in
 * {@code admin_users} reach with psql after the usual authentication. It speaks the simple
 * query protocol only: each command is answered with a result (RowDescription, DataRows,
 * CommandComplete) or an ErrorResponse, then ReadyForQuery, and the console goes on. RELOAD,
 * PAUSE, RESUME and SHUTDOWN go to {@link PoolerControl}.
 */
public final class AdminConsole {
    private static final System.Logger LOG = System.getLogger("io.weft.pooler");
    /** How long PAUSE waits for server connections to come back before it says they have not. */
    static final Duration PAUSE_WAIT = Duration.ofSeconds(30);
    static final String SYNTAX_ERROR = "42601";
    static final String INSUFFICIENT_PRIVILEGE = "42501";
    static final String CONFIG_FILE_ERROR = "F0000";

    private final PoolerView view;
    private final PoolerControl control;
    private final PoolerStats stats;

    public AdminConsole(PoolerView view, PoolerControl control, PoolerStats stats) {
        this.view = view;
        this.control = control;
        this.stats = stats;
    }

    /**
     * Serves one authenticated client of the admin database until it leaves. A user not in
     * {@code admin_users} gets FATAL 42501. Runs on the client's thread.
     */
    public void serve(ClientStats client, PgReader in, PgWriter out, ConsoleEnd end) throws IOException {
        // Busy from here: a refusal is a reply too, and a shutdown's FATAL (written by another
        // thread) must not interleave with it. The session stays busy after it and ends by itself.
        if (!end.startCommand()) return;
        if (!view.config().adminUsers().contains(client.user)) {
            stats.failure(INSUFFICIENT_PRIVILEGE, null);
            LOG.log(Level.INFO, "user " + client.user + " refused on the admin console: not in admin_users");
            out.errorResponse("FATAL", INSUFFICIENT_PRIVILEGE, "permission denied for database \"" + client.database
                    + "\": user \"" + client.user + "\" is not in the pooler's admin_users");
            out.flush();
            return;
        }
        greet(client, out);
        if (end.finishCommand()) {
            terminate(out);
            return;
        }
        boolean skippingToSync = false; // after an extended-protocol message, as PostgreSQL does after an error
        while (in.next()) {
            if (!end.startCommand()) return; // a shutdown ended the session while it waited
            byte t = in.type();
            switch (t) {
                case 'Q' -> {
                    execute(in.cstring(0), out);
                    out.readyForQuery((byte) 'I');
                    out.flush();
                }
                case 'X' -> {
                    return;
                }
                case 'S' -> {
                    skippingToSync = false;
                    out.readyForQuery((byte) 'I');
                    out.flush();
                }
                case 'H' -> out.flush();
                case 'P', 'B', 'D', 'E', 'C', 'F' -> {
                    if (!skippingToSync) {
                        out.errorResponse("ERROR", SqlState.FEATURE_NOT_SUPPORTED, "the admin console speaks only the"
                                + " simple query protocol (psql does); extended-protocol message "
                                + (char) t + " refused");
                        out.flush();
                        skippingToSync = true;
                    }
                }
                case 'd', 'c', 'f' -> { } // copy messages outside a COPY: ignored, as PostgreSQL does
                default -> throw new ProtocolException("unexpected message type " + io.weft.pooler.protocol.Protocol.typeName(t)
                        + " on the admin console");
            }
            if (end.finishCommand()) {
                terminate(out);
                return;
            }
        }
    }

    /** The end of a console session at a graceful shutdown (SHUTDOWN typed here or elsewhere, or a signal). */
    private static void terminate(PgWriter out) throws IOException {
        out.errorResponse("FATAL", SqlState.ADMIN_SHUTDOWN, "terminating connection due to administrator command");
        out.flush();
    }

    private void greet(ClientStats client, PgWriter out) throws IOException {
        out.authenticationOk();
        String version = view.serverVersion();
        if (version != null) out.parameterStatus("server_version", version);
        out.parameterStatus("server_encoding", "UTF8");
        out.parameterStatus("client_encoding", "UTF8");
        out.parameterStatus("DateStyle", "ISO, MDY");
        out.parameterStatus("integer_datetimes", "on");
        out.parameterStatus("standard_conforming_strings", "on");
        out.parameterStatus("application_name", client.applicationName);
        out.backendKeyData((int) client.id, 0); // no cancel on the console: the key matches no client
        out.readyForQuery((byte) 'I');
        out.flush();
    }

    /** Runs the commands of one Query message, separated by ';', stopping at the first that fails. */
    void execute(String sql, PgWriter out) {
        boolean any = false;
        for (String part : sql.split(";")) {
            String command = part.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            if (command.isEmpty()) continue;
            any = true;
            try {
                run(command, out);
            } catch (AdminError e) {
                out.errorResponse("ERROR", e.sqlState, e.getMessage());
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "admin command " + command + " failed", e);
                out.errorResponse("ERROR", SqlState.INTERNAL_ERROR, command + " failed: " + e);
                return;
            }
        }
        if (!any) out.emptyQueryResponse();
    }

    private void run(String command, PgWriter out) throws AdminError {
        switch (command) {
            case "SHOW HELP" -> write(ShowTables.help(), out);
            case "SHOW POOLS" -> write(ShowTables.pools(view), out);
            case "SHOW CLIENTS" -> write(ShowTables.clients(view), out);
            case "SHOW SERVERS" -> write(ShowTables.servers(view), out);
            case "SHOW STATS" -> write(ShowTables.stats(view), out);
            case "SHOW TOTALS" -> write(ShowTables.totals(view), out);
            case "SHOW CONFIG" -> write(ShowTables.config(view), out);
            case "SHOW CARRIERS" -> {
                Table t = ShowTables.carriers(view);
                if (t.rowCount() == 0) {
                    out.noticeResponse("NOTICE", "00000", "the pooler runs on the JDK's virtual threads (backend = jdk):"
                            + " the JDK's scheduler has no Weft carriers to show");
                }
                write(t, out);
            }
            case "RELOAD" -> {
                String what = control(command, () -> control.reload());
                if (what != null && !what.isEmpty()) out.noticeResponse("NOTICE", "00000", what);
                out.commandComplete("RELOAD");
            }
            case "PAUSE" -> {
                Boolean drained = control(command, () -> control.pause(PAUSE_WAIT));
                if (!drained) {
                    out.noticeResponse("WARNING", "01000", "server connections still in use after "
                            + PAUSE_WAIT.toSeconds() + " s; the pooler stays paused until RESUME");
                }
                out.commandComplete("PAUSE");
            }
            case "RESUME" -> {
                control(command, () -> {
                    control.resume();
                    return null;
                });
                out.commandComplete("RESUME");
            }
            case "SHUTDOWN" -> {
                control(command, () -> {
                    control.shutdown();
                    return null;
                });
                out.commandComplete("SHUTDOWN");
            }
            default -> throw new AdminError(SYNTAX_ERROR, "unknown admin command \"" + command
                    + "\": SHOW HELP lists the commands");
        }
    }

    private static void write(Table t, PgWriter out) throws AdminError {
        try {
            t.writeTo(out);
        } catch (IOException e) {
            throw new AdminError(SqlState.INTERNAL_ERROR, "cannot write the result: " + e.getMessage());
        }
    }

    private interface ControlCall<T> {
        T call() throws Exception;
    }

    /** Runs a PoolerControl call, turning what it throws into an error for the client. */
    private static <T> T control(String command, ControlCall<T> call) throws AdminError {
        try {
            return call.call();
        } catch (UnsupportedOperationException e) {
            throw new AdminError(SqlState.FEATURE_NOT_SUPPORTED, command + " is not available: " + e.getMessage());
        } catch (ConfigException e) {
            throw new AdminError(CONFIG_FILE_ERROR, "the new configuration was not loaded: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminError(SqlState.QUERY_CANCELED, command + " was interrupted");
        } catch (Exception e) {
            LOG.log(Level.WARNING, command + " failed", e);
            throw new AdminError(SqlState.INTERNAL_ERROR, command + " failed: " + e);
        }
    }

    /** A command failed: the client gets an ErrorResponse with this SQLSTATE and goes on. */
    private static final class AdminError extends Exception {
        private static final long serialVersionUID = 1L;
        final String sqlState;

        AdminError(String sqlState, String message) {
            super(message, null, false, false);
            this.sqlState = sqlState;
        }
    }
}
