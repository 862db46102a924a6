package io.weft.pooler.session;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.pooler.admin.ConsoleEnd;
import java.net.Socket;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link LiveSessions}: a client session arriving ({@code add}: into the set, then "if shutting
 * down, end when idle") while the graceful shutdown begins ({@code beginShutdown}: set the flag,
 * then {@code endWhenIdle} on every session in the set). A Dekker handshake: each side writes
 * its part (the set's insertion, the volatile flag) and then reads the other's, so at least one
 * of them tells the session to end. A session missed by both would run on after the shutdown
 * began, and the shutdown would wait for it until its timeout, then abort it.
 *
 * <p>The arriving session is a real {@link ClientSession} on the admin console, idle (see
 * {@link SessionStressSupport}): {@code endWhenIdle} ends it at once and closes its client
 * socket, and a second call does nothing, so "told to end" is "its socket is closed". A
 * session that was in the set before is told to end as well.
 *
 * <p>Result: r1 = the arriving session was told to end; r2 = the earlier session was; r3 =
 * sessions in the set afterwards (both stay until they leave).
 *
 * <p>Bugs it catches: {@code add} reading the flag before it inserts (the session reads "not
 * shutting down", the shutdown goes through the set before the insertion): MISSED SESSION
 * {@code 0, *, *} (caught by {@code io.weft.stress.selfcheck.LiveSessionsCheckBeforeAddTest});
 * {@code beginShutdown} going through the set before it sets the flag: the same; a flag that is
 * not volatile (the reads cross the writes).
 */
@JCStressTest
@State
@Description("LiveSessions: add vs beginShutdown")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "the arriving session was told to end (by the shutdown, by itself, or both)")
@Outcome(id = "0, .*, .*", expect = FORBIDDEN, desc = "MISSED SESSION: the arriving session runs on after the shutdown began")
@Outcome(expect = FORBIDDEN, desc = "the earlier session was not told to end, or the set lost a session")
public class LiveSessionsAddVsShutdownTest {
    private final LiveSessions sessions = new LiveSessions();
    private final Socket arrivingClient = SessionStressSupport.unconnectedSocket();
    private final ClientSession arriving = SessionStressSupport.session(arrivingClient);
    private final Socket earlierClient = SessionStressSupport.unconnectedSocket();

    public LiveSessionsAddVsShutdownTest() {
        SessionStressSupport.onConsole(arriving, new ConsoleEnd(sessions::shuttingDown));
        ClientSession earlier = SessionStressSupport.session(earlierClient);
        SessionStressSupport.onConsole(earlier, new ConsoleEnd(sessions::shuttingDown));
        sessions.add(earlier);
    }

    @Actor
    public void arrive() {
        sessions.add(arriving);
    }

    @Actor
    public void shutdown() {
        sessions.beginShutdown();
    }

    @Arbiter
    public void check(III_Result r) {
        r.r1 = arrivingClient.isClosed() ? 1 : 0;
        r.r2 = earlierClient.isClosed() ? 1 : 0;
        r.r3 = sessions.size();
    }
}
