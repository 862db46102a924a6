package io.weft.pooler.session;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.pooler.admin.ConsoleEnd;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link ConsoleEnd}: an admin console session at a graceful shutdown. The console's thread
 * answers one command ({@code startCommand}, the reply, {@code finishCommand}, as
 * {@code AdminConsole.serve} does) while the shutdown runs {@code LiveSessions.beginShutdown}:
 * it sets the shutting-down flag, then {@code ClientSession.endWhenIdle}, whose
 * {@code endIfIdle} ends an idle console at once (FATAL 57P01, client socket closed). Exactly
 * one of the two must end the session, and the shutdown never while a reply is being written:
 * the operator who typed SHUTDOWN gets its CommandComplete, then the FATAL. The real
 * {@code LiveSessions}, {@code ClientSession} and {@code ConsoleEnd} run; the session is the
 * one {@link SessionStressSupport} makes (its client socket is no connection).
 *
 * <p>Every other state attaches the console inside the console's actor, as {@code serve} does
 * ({@code console = end}, then the first command, the greeting): then the shutdown may find
 * no console yet, and the console's {@code finishCommand} must see the flag. Every other pair of
 * states has an empty reply, so that the shutdown also lands on the console's steps themselves.
 *
 * <p>Result: r1 = the console: 1 it ended the session itself after its reply
 * ({@code finishCommand} true), 0 it answered and went back to idle, 2 {@code startCommand}
 * refused (the session was ended before the command: nothing is answered); r2 = the shutdown
 * ended the session (the client socket is closed, by the arbiter); r3 = the client socket was
 * closed while the console was writing its reply.
 *
 * <p>Bugs it catches: {@code finishCommand} reading the flag before it publishes IDLE (or
 * publishing it with a release store, {@code lazySet}: the store can wait in the store buffer
 * past the read): the console reads "not stopping", the shutdown reads BUSY, nobody ends the
 * session and the shutdown waits for it until its timeout, LOST END {@code 0, 0, *} (caught by
 * {@code io.weft.stress.selfcheck.ConsoleEndReleaseIdleTest}); an {@code endIfIdle} that ends a
 * busy console: ENDED IN A REPLY {@code *, *, 1} and DOUBLE END {@code 1, 1, *} (caught by
 * {@code io.weft.stress.selfcheck.ConsoleEndWhileBusyTest}); the shutdown going through the
 * sessions before it sets the flag, or {@code serve} attaching the console after its first
 * {@code finishCommand}: LOST END.
 */
@JCStressTest
@State
@Description("ConsoleEnd: the console's command vs the graceful shutdown")
@Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "the shutdown ended the idle console; its next command is not answered")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "the console answered, went idle, and the shutdown ended it")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "the shutdown came during the reply: the console ended the session after it")
@Outcome(id = ".*, .*, 1", expect = FORBIDDEN, desc = "ENDED IN A REPLY: the shutdown closed the session while the console was answering")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "DOUBLE END: both the console and the shutdown ended the session")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "LOST END: nobody ended the session; the shutdown waits for it")
@Outcome(expect = FORBIDDEN, desc = "startCommand refused although the shutdown did not end the session")
public class ConsoleEndVsShutdownTest {
    /** The reply: spins watching the client socket, a few microseconds at most. */
    static final int REPLY = 50;
    private static final AtomicInteger STATES = new AtomicInteger();

    private final LiveSessions sessions = new LiveSessions();
    private final Socket client = SessionStressSupport.unconnectedSocket();
    private final ClientSession session = SessionStressSupport.session(client);
    private final ConsoleEnd end = new ConsoleEnd(sessions::shuttingDown);
    private final int state = STATES.getAndIncrement();
    /** Attach the console in the console's actor (as serve does), not before the race. */
    private final boolean attachLate = (state & 1) == 1;
    /** Every other pair of states the reply is empty: the console's steps come back to back. */
    private final int reply = (state & 2) == 0 ? REPLY : 0;

    public ConsoleEndVsShutdownTest() {
        sessions.add(session); // ClientSession.run's first step
        if (!attachLate) SessionStressSupport.onConsole(session, end);
    }

    @Actor
    public void console(III_Result r) {
        if (attachLate) SessionStressSupport.onConsole(session, end);
        if (!end.startCommand()) {
            r.r1 = 2;
            return;
        }
        for (int i = 0; i < reply; i++) {
            if (client.isClosed()) {
                r.r3 = 1;
                break;
            }
            Thread.onSpinWait();
        }
        r.r1 = end.finishCommand() ? 1 : 0;
    }

    @Actor
    public void shutdown() {
        sessions.beginShutdown();
    }

    @Arbiter
    public void check(III_Result r) {
        r.r2 = client.isClosed() ? 1 : 0;
    }
}
