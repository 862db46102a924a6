package io.weft.stress.selfcheck;

import static io.weft.stress.selfcheck.SelfcheckSupport.id;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.stress.selfcheck.SelfcheckSupport.Task;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIIII_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.RunQueueCapacityTwoTest}'s body
 * on {@link BrokenRunQueue} with flaw {@link BrokenRunQueue.Flaw#GIVE_UP_ON_CONTENTION}: an
 * offer whose CAS of the enqueue position loses to the other producer returns false instead of
 * retrying at the next position, which is free. Expected: FALSE FULL, {@code 0, 1, ...} or
 * {@code 1, 0, ...}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): RunQueue GIVE_UP_ON_CONTENTION")
@Outcome(id = "1, 1, 1, 1, 0, 29", expect = ACCEPTABLE, desc = "task 1 first, the owner got it")
@Outcome(id = "1, 1, 2, 1, 0, 19", expect = ACCEPTABLE, desc = "task 2 first, the owner got it")
@Outcome(id = "1, 1, 0, 0, 0, 12", expect = ACCEPTABLE_INTERESTING, desc = "the owner's poll waited for task 1's cell")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "FALSE FULL: the submitter's offer was refused")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "FALSE FULL: the owner's offer was refused")
@Outcome(id = "1, 1, [12], 0, .*", expect = FORBIDDEN, desc = "FALSE FULL: the arbiter's offer of 9 was refused")
@Outcome(id = "\\d, \\d, \\d, \\d, 1, .*", expect = FORBIDDEN, desc = "OVERFULL: the arbiter's offer of 8 was accepted")
@Outcome(expect = FORBIDDEN, desc = "a task was LOST or DUPLICATED")
public class RunQueueGiveUpOnContentionTest {
    private static final Task T1 = new Task(1);
    private static final Task T2 = new Task(2);
    private static final Task T8 = new Task(8);
    private static final Task T9 = new Task(9);

    private final BrokenRunQueue queue = new BrokenRunQueue(BrokenRunQueue.Flaw.GIVE_UP_ON_CONTENTION, 2);

    public RunQueueGiveUpOnContentionTest() {
        queue.offer(T9);
        queue.poll();
    }

    @Actor
    public void submitter(IIIIII_Result r) {
        r.r1 = queue.offer(T1) ? 1 : 0;
    }

    @Actor
    public void owner(IIIIII_Result r) {
        r.r2 = queue.offer(T2) ? 1 : 0;
        r.r3 = id(queue.poll());
    }

    @Arbiter
    public void check(IIIIII_Result r) {
        r.r4 = queue.offer(T9) ? 1 : 0;
        r.r5 = queue.offer(T8) ? 1 : 0;
        r.r6 = SelfcheckSupport.drain(queue);
    }
}
