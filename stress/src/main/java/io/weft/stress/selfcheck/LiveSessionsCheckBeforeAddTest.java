package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.pooler.session.LiveSessionsAddVsShutdownTest}
 * on {@link BrokenLiveSessions} with flaw {@link BrokenLiveSessions.Flaw#CHECK_BEFORE_ADD}:
 * {@code add} reads the flag, then puts the session in the set, so a shutdown that sets the flag
 * and goes through the set in between misses it. Expected: MISSED SESSION {@code 0, *, *}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): LiveSessions CHECK_BEFORE_ADD")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "the arriving session was told to end")
@Outcome(id = "0, .*, .*", expect = FORBIDDEN, desc = "MISSED SESSION: the arriving session runs on after the shutdown began")
@Outcome(expect = FORBIDDEN, desc = "the earlier session was not told to end, or the set lost a session")
public class LiveSessionsCheckBeforeAddTest {
    private final BrokenLiveSessions sessions = new BrokenLiveSessions(BrokenLiveSessions.Flaw.CHECK_BEFORE_ADD);
    private final BrokenLiveSessions.Member arriving = new BrokenLiveSessions.Member();
    private final BrokenLiveSessions.Member earlier = new BrokenLiveSessions.Member();

    public LiveSessionsCheckBeforeAddTest() {
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
        r.r1 = arriving.toldToEnd > 0 ? 1 : 0;
        r.r2 = earlier.toldToEnd > 0 ? 1 : 0;
        r.r3 = sessions.size();
    }
}
