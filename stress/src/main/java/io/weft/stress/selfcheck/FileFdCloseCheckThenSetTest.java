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
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.files.FileFdCloseOnceTest}'s body on
 * {@link BrokenFileFd} with flaw {@link BrokenFileFd.Flaw#CLOSE_CHECK_THEN_SET}: close reads the
 * holds, then sets the closed bit apart. The last release falling in between closes nothing, and
 * neither does close. Expected: never closed, {@code 0, ...}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): FileFd CLOSE_CHECK_THEN_SET")
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "closed once, after the last hold went; the new operation was aborted")
@Outcome(id = "[02], .*", expect = FORBIDDEN, desc = "the descriptor was closed twice, or never")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "CLOSED UNDER AN OPERATION: a hold was still out")
@Outcome(id = "1, 0, 0, 1", expect = FORBIDDEN, desc = "LOST ABORT: the new operation was left to wait in a closed file")
@Outcome(expect = FORBIDDEN, desc = "close() did not report the first close")
public class FileFdCloseCheckThenSetTest {
    private final AtomicInteger closes = new AtomicInteger();
    private final AtomicInteger closesUnderHold = new AtomicInteger();
    private final AtomicInteger aborts = new AtomicInteger();
    private final BrokenFileFd file;
    private final Runnable op = aborts::incrementAndGet;

    public FileFdCloseCheckThenSetTest() {
        file = new BrokenFileFd(BrokenFileFd.Flaw.CLOSE_CHECK_THEN_SET, -1, this::closed);
        file.acquire();
    }

    private void closed(int fd) {
        closes.incrementAndGet();
        if (file.holds() != 0) closesUnderHold.incrementAndGet();
    }

    @Actor
    public void user() {
        file.release();
        file.track(op);
        if (file.isClosed()) {
            op.run();
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
