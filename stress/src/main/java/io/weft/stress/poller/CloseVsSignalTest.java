package io.weft.stress.poller;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.poller.internal.WakeupSignal;
import io.weft.stress.Eventfds;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * {@link WakeupSignal}: {@code signal()} from another thread races the owner's {@code close()}
 * (a poller being closed while a carrier still wakes it).
 *
 * <p>Result: r1 = 1 if {@code signal()} threw. It throws when its {@code write(2)} fails with
 * anything but EAGAIN; here that is EBADF, a write to a descriptor that {@code close()} has
 * already closed. In production the number may already belong to another file by then, and
 * the write would land there silently; in this test no descriptor is opened while the actors
 * run (jcstress builds new states only between strides), so the bad write shows as EBADF.
 *
 * <p>Bug it catches (checked with {@code io.weft.stress.selfcheck.BrokenCloseWithoutHandshakeTest}):
 * a signaller that checks {@code closed} without first counting itself in {@code writers}, or a
 * {@code close()} that does not wait for the writers to drain: the signaller passes the check,
 * {@code close(2)} runs, then the write hits the closed descriptor.
 *
 * <p>Nothing may leak: the arbiter closes the signal again, a no-op when the actor's close
 * took effect, and the one close that frees the eventfd and the signal's native memory if not.
 */
@JCStressTest
@State
@Description("WakeupSignal: signal() vs close() from another thread")
@Outcome(id = "0", expect = ACCEPTABLE, desc = "signal() wrote before close(), or saw the signal closed and did nothing")
@Outcome(id = "1", expect = FORBIDDEN,
        desc = "signal() THREW: it wrote to the eventfd after close() closed it (in production: a write to a reused descriptor)")
public class CloseVsSignalTest {
    private final WakeupSignal signal = Eventfds.openSignal();

    @Actor
    public void signaller(I_Result r) {
        try {
            signal.signal();
            r.r1 = 0;
        } catch (RuntimeException e) {
            r.r1 = 1;
        }
    }

    @Actor
    public void closer() {
        signal.close();
    }

    @Arbiter
    public void check() {
        signal.close(); // whatever the actors left open
    }
}
