package io.weft.files;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * {@link FileFd}: the last operation on a file ending (its {@code release()}) races
 * {@code close()}, while a new operation registers itself ({@code track}) and looks whether the
 * file was closed. The descriptor must be closed exactly once, and never while a hold is out
 * (the number could be reused by the next open under the operation); the new operation must
 * be aborted by one side or the other, or it would wait in a closed file.
 *
 * <p>The state starts with one hold out: an operation in flight. The user ends it
 * ({@code release()}), then starts another: {@code track(op)}, then {@code isClosed()} and, if
 * so, aborts it itself. The closer calls {@code close()}, which aborts every tracked operation
 * and closes the number if no hold is out. The closer function counts closes and whether a
 * hold was out at that moment.
 *
 * <p>Result: r1 = closes; r2 = closes made while a hold was out; r3 = the new operation was
 * aborted (by either side); r4 = {@code close()} returned true.
 *
 * <p>Bugs it catches: a release that tests "closed and no holds" apart from its decrement, or a
 * close that closes when its CAS saw holds: closed twice or never ({@code 0, ...},
 * {@code 2, ...}); a close that closes under a hold ({@code *, 1, ...}); a close that reads the
 * tracked set before setting the closed bit, or a user that tracks after looking: a new
 * operation nobody aborts ({@code *, *, 0, *}).
 */
@JCStressTest
@State
@Description("FileFd: the last release vs close, and a new operation vs close")
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE,
        desc = "closed once, after the last hold went; the new operation was aborted")
@Outcome(id = "[02], .*", expect = FORBIDDEN, desc = "the descriptor was closed twice, or never")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "CLOSED UNDER AN OPERATION: a hold was still out")
@Outcome(id = "1, 0, 0, 1", expect = FORBIDDEN, desc = "LOST ABORT: the new operation was left to wait in a closed file")
@Outcome(expect = FORBIDDEN, desc = "close() did not report the first close")
public class FileFdCloseOnceTest {
    private final AtomicInteger closes = new AtomicInteger();
    private final AtomicInteger closesUnderHold = new AtomicInteger();
    private final AtomicInteger aborts = new AtomicInteger();
    private final FileFd file;
    private final Abortable op = aborts::incrementAndGet;

    public FileFdCloseOnceTest() {
        file = new FileFd(-1, this::closed);
        file.acquire(); // an operation in flight
    }

    /** The descriptor's closer: counts, instead of close(2). */
    private void closed(int fd) {
        closes.incrementAndGet();
        if (file.holds() != 0) closesUnderHold.incrementAndGet();
    }

    @Actor
    public void user() {
        file.release(); // the operation in flight ends
        file.track(op); // a new one starts
        if (file.isClosed()) {
            op.abort();
        }
    }

    @Actor
    public void closer(IIII_Result r) {
        r.r4 = file.close() ? 1 : 0;
    }

    @Arbiter
    public void check(IIII_Result r) {
        r.r1 = closes.get();
        r.r2 = closesUnderHold.get();
        r.r3 = aborts.get() > 0 ? 1 : 0;
    }
}
