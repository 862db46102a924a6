package io.weft.net;

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
 * {@link SocketFd}: a thread using the descriptor ({@code acquire()}, a system call or ring
 * operation, {@code release()}) races {@code close()} on another thread. The descriptor number
 * must not be closed while a user is inside: the number could be reused at once by another
 * socket, and the user's read or write would then hit someone else's connection. Each side is
 * one CAS on one atomic word (closed bit + user count): {@code acquire} refuses once the bit is
 * set; {@code close} sets it, wakes the users, waits for the count to reach zero, then calls
 * {@code close(2)}.
 *
 * <p>The user stands for a thread inside a system call: after acquiring it stays inside for a
 * while (up to {@link #INSIDE} spins, a few microseconds) watching for the closer to have
 * returned from {@code close()}, i.e. from {@code close(2)}, then releases. The closer's waker
 * does nothing (the user returns by itself). The descriptor number is made up and never open
 * ({@link NetStressSupport#fakeFd()}): the real {@code close(2)} fails with {@code EBADF}.
 *
 * <p>Result: r1 = the user got in (1) or was refused with "Socket closed" (0); r2 = while
 * inside, the user saw {@code close()} return; r3 = {@code close()} returned true (the first
 * close); r4 = by the arbiter, afterwards: an {@code acquire} is refused (1).
 *
 * <p>Bugs it catches: a {@code close} that does not wait for the users to leave (or counts
 * them wrongly): CLOSED UNDER A USER, {@code 1, 1, *, *} (caught by
 * {@code io.weft.stress.selfcheck.SocketFdCloseWithoutWaitingTest}); an {@code acquire} that
 * checks the bit and then counts itself in two steps, the same when the close falls in between;
 * an {@code acquire} that lets a user in after the close ({@code *, *, *, 0}).
 */
@JCStressTest
@State
@Description("SocketFd: acquire/release vs close")
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "the user was in and out before close(2)")
@Outcome(id = "0, 0, 1, 1", expect = ACCEPTABLE, desc = "the close came first: the user was refused")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN,
        desc = "CLOSED UNDER A USER: close(2) ran while a thread was inside a call on the descriptor")
@Outcome(expect = FORBIDDEN, desc = "close() did not report the first close, or a user got in after it")
public class SocketFdCloseVsUseTest {
    /** How long the user stays inside: about as long as the closer's close(2) takes, several times over. */
    static final int INSIDE = 200;

    private final SocketFd socket = new SocketFd(NetStressSupport.fakeFd());
    private volatile boolean closeReturned;

    @Actor
    public void user(IIII_Result r) {
        try {
            socket.acquire();
        } catch (SocketException refused) {
            return; // r1 = 0
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
