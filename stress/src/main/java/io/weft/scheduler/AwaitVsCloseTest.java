package io.weft.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.poller.Events;
import java.util.function.BooleanSupplier;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Readiness vs close: a thread starting a readiness wait on a socket races another thread
 * closing it. {@code WeftScheduler.await(fd, event, timeout, isOpen)} registers the
 * {@link IoWait} in {@link FdWaiters} (a CAS) and only then asks {@code isOpen}, ending the
 * wait itself ({@code onCancel()}) if the socket was closed; the closer (net's
 * {@code SocketFd.close}, or the agent's {@code Bridge.stopPoll} after the JDK marked its
 * channel closed) sets its closed flag and then calls {@link WeftScheduler#cancelWait}, which
 * looks the wait up in {@code FdWaiters}. Two volatile write-then-read pairs: either the waiter
 * sees the flag or the closer finds the wait. Never neither, or the thread parks forever on a
 * descriptor that is about to be closed (and {@code SocketFd.close} waits forever for it).
 *
 * <p>The waiter actor is {@code await}'s body after the wait is made (the arming in between
 * touches only the carrier, which the wait does not have here); the closer is the real
 * {@code cancelWait}. The descriptor number is made up ({@link StressSupport#fakeFd()}).
 *
 * <p>Result: r1 = the waiter's own {@code isOpen} check ended the wait, r2 = the closer's
 * {@code cancelWait} ended it; then, by the arbiter, r3 = the wait's state (3 CANCELLED),
 * r4 = what {@code FdWaiters} holds for the descriptor (0 nothing, 1 this wait).
 *
 * <p>Bugs it catches: a waiter that checks {@code isOpen} before it registers (check, then
 * act): the closer's flag lands after the check and its lookup before the registration, and
 * the wait is never ended: {@code 0, 0, 0, 1}, LOST CANCEL (caught by
 * {@code io.weft.stress.selfcheck.AwaitCheckOpenFirstTest}); an {@code await} that drops the
 * {@code isOpen} check altogether, the same; a cancel that does not clear the registry
 * ({@code *, *, 3, 1}).
 */
@JCStressTest
@State
@Description("WeftScheduler.await: register + isOpen vs closed flag + cancelWait")
@Outcome(id = "1, 0, 3, 0", expect = ACCEPTABLE,
        desc = "the waiter saw the socket closed and ended its wait itself")
@Outcome(id = "0, 1, 3, 0", expect = ACCEPTABLE,
        desc = "the closer found the registered wait and cancelled it")
@Outcome(id = "0, 0, 0, .*", expect = FORBIDDEN,
        desc = "LOST CANCEL: the wait is still WAITING on a closed socket; nobody will ever wake it")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "both ended the wait: two resumptions")
@Outcome(id = ".*, 1", expect = FORBIDDEN, desc = "the ended wait was left registered in FdWaiters")
@Outcome(expect = FORBIDDEN, desc = "the wait's state does not say CANCELLED")
public class AwaitVsCloseTest {
    private final IoWait wait = new IoWait(StressSupport.PARKED, null, StressSupport.fakeFd(), Events.IN);
    private volatile boolean closed;
    private final BooleanSupplier isOpen = () -> !closed;

    @Actor
    public void waiter(IIII_Result r) {
        FdWaiters.register(wait);
        if (!isOpen.getAsBoolean()) {
            r.r1 = wait.onCancel() ? 1 : 0;
        }
    }

    @Actor
    public void closer(IIII_Result r) {
        closed = true;
        r.r2 = WeftScheduler.cancelWait(wait.fd, Events.IN) ? 1 : 0;
    }

    @Arbiter
    public void check(IIII_Result r) {
        r.r3 = wait.state();
        r.r4 = StressSupport.registered(wait);
        FdWaiters.clear(wait);
    }
}
