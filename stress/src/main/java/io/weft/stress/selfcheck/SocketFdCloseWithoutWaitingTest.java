package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.net.SocketException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.net.SocketFdCloseVsUseTest}'s body on
 * {@link BrokenSocketFd} with flaw {@link BrokenSocketFd.Flaw#CLOSE_WITHOUT_WAITING}: close sets
 * the closed bit and calls {@code close(2)} at once, while a user may still be inside.
 * Expected: CLOSED UNDER A USER, {@code 1, 1, *, *}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): SocketFd CLOSE_WITHOUT_WAITING")
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "the user was in and out before close(2)")
@Outcome(id = "0, 0, 1, 1", expect = ACCEPTABLE, desc = "the user was refused")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "CLOSED UNDER A USER: close(2) ran while a thread was inside")
@Outcome(expect = FORBIDDEN, desc = "close() did not report the first close, or a user got in after it")
public class SocketFdCloseWithoutWaitingTest {
    private static final int INSIDE = 200; // as SocketFdCloseVsUseTest.INSIDE

    private final BrokenSocketFd socket =
            new BrokenSocketFd(BrokenSocketFd.Flaw.CLOSE_WITHOUT_WAITING, SelfcheckSupport.fakeFd());
    private volatile boolean closeReturned;

    @Actor
    public void user(IIII_Result r) {
        try {
            socket.acquire();
        } catch (SocketException refused) {
            return;
        }
        r.r1 = 1;
        try {
            for (int i = 0; i < INSIDE; i++) {
                if (closeReturned) {
                    r.r2 = 1;
                    break;
                }
                Thread.onSpinWait();
            }
        } finally {
            socket.release();
        }
    }

    @Actor
    public void closer(IIII_Result r) {
        r.r3 = socket.close(() -> { }) ? 1 : 0;
        closeReturned = true;
    }

    @Arbiter
    public void check(IIII_Result r) {
        try {
            socket.acquire();
            socket.release();
        } catch (SocketException refused) {
            r.r4 = 1;
        }
    }
}
