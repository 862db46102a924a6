package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.pooler.session.ConsoleEndVsShutdownTest}'s
 * race on {@link BrokenConsoleEnd} with flaw {@link BrokenConsoleEnd.Flaw#RELEASE_IDLE}:
 * {@code finishCommand} publishes IDLE with a release store ({@code lazySet}), which can stay in
 * the store buffer past its read of the flag. Expected: LOST END, {@code 0, 0, 0}.
 * The shutdown is inlined as {@code LiveSessions.beginShutdown} and
 * {@code ClientSession.endWhenIdle} run it: set the flag, then {@code endIfIdle}, and close the
 * client if it won. The console is attached before the race; every other state has an empty
 * reply.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): ConsoleEnd RELEASE_IDLE")
@Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "the shutdown ended the idle console before the command")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "the console answered, went idle, and the shutdown ended it")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "the console ended the session after its reply")
@Outcome(id = ".*, .*, 1", expect = FORBIDDEN, desc = "ENDED IN A REPLY: the shutdown closed the session during a reply")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "DOUBLE END: both ended the session")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "LOST END: nobody ended the session")
@Outcome(expect = FORBIDDEN, desc = "startCommand refused although the shutdown did not end the session")
public class ConsoleEndReleaseIdleTest {
    private static final int REPLY = 50; // as ConsoleEndVsShutdownTest.REPLY
    private static final AtomicInteger STATES = new AtomicInteger();

    private final int reply = (STATES.getAndIncrement() & 1) == 0 ? REPLY : 0;
    private volatile boolean stopping;
    private volatile boolean closed;
    private final BrokenConsoleEnd end = new BrokenConsoleEnd(BrokenConsoleEnd.Flaw.RELEASE_IDLE, () -> stopping);

    @Actor
    public void console(III_Result r) {
        if (!end.startCommand()) {
            r.r1 = 2;
            return;
        }
        for (int i = 0; i < reply; i++) {
            if (closed) {
                r.r3 = 1;
                break;
            }
            Thread.onSpinWait();
        }
        r.r1 = end.finishCommand() ? 1 : 0;
    }

    @Actor
    public void shutdown() {
        stopping = true;
        if (end.endIfIdle()) closed = true;
    }

    @Arbiter
    public void check(III_Result r) {
        r.r2 = closed ? 1 : 0;
    }
}
