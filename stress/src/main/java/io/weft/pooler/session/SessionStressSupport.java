package io.weft.pooler.session;

import io.weft.pooler.admin.ConsoleEnd;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketImpl;

/**
 * Real {@link ClientSession}s for the jcstress tests, without a connection or a pooler.
 *
 * <p>A session's graceful end ({@code endWhenIdle}) is observable on an admin console session
 * that is idle: {@link ConsoleEnd#endIfIdle} wins, {@code fatal} writes nothing (no writer yet)
 * and {@code closeClientSocket} closes the client socket. That socket is a {@code Socket} with
 * no implementation ({@code new Socket((SocketImpl) null)}): it owns no descriptor, and
 * {@code close()} only marks it closed, so {@link Socket#isClosed()} says whether the session
 * was ended. The session's context is null: nothing on these paths reads it.
 */
final class SessionStressSupport {
    private SessionStressSupport() {}

    /**
     * {@code ClientSession.console}, private: set by {@code serve} when the client turns out to
     * be on the admin console. Renaming the field fails every state of the tests that use it
     * (TEST_ERROR), not silently.
     */
    private static final VarHandle CONSOLE;

    static {
        try {
            CONSOLE = MethodHandles.privateLookupIn(ClientSession.class, MethodHandles.lookup())
                    .findVarHandle(ClientSession.class, "console", ConsoleEnd.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A client socket that is no connection: closing it only marks it closed. */
    static Socket unconnectedSocket() {
        try {
            return new NoConnection();
        } catch (SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code Socket(SocketImpl)} is protected; with null it makes no implementation (and no descriptor). */
    private static final class NoConnection extends Socket {
        NoConnection() throws SocketException {
            super((SocketImpl) null);
        }
    }

    /** A session on {@code client}, not started. */
    static ClientSession session(Socket client) {
        return new ClientSession(client, null);
    }

    /** What {@code serve} does for an admin database client: {@code console = end} (a volatile write). */
    static void onConsole(ClientSession session, ConsoleEnd end) {
        CONSOLE.setVolatile(session, end);
    }
}
