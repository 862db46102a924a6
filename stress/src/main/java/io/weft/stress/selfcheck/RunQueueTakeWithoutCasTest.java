package io.weft.stress.selfcheck;

import static io.weft.stress.selfcheck.SelfcheckSupport.id;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.stress.selfcheck.SelfcheckSupport.Task;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.RunQueueStealTest}'s body on
 * {@link BrokenRunQueue} with flaw {@link BrokenRunQueue.Flaw#PLAIN_TAKE}: a poll claims its
 * position by reading dequeuePos and then writing it, not by one CAS, so the owner and the
 * thief can take the same task. Expected: a DUPLICATED task (e.g. {@code 1, 1, ...}), graded by
 * the catch-all forbidden outcome.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): RunQueue PLAIN_TAKE")
@Outcome(id = "1, 2, 3, 0, 0", expect = ACCEPTABLE, desc = "owner got 1; thief 2 and 3")
@Outcome(id = "2, 1, 3, 0, 0", expect = ACCEPTABLE, desc = "thief 1, owner 2, thief 3")
@Outcome(id = "3, 1, 2, 0, 0", expect = ACCEPTABLE, desc = "thief 1 and 2, owner 3")
@Outcome(id = "2, 1, 0, 3, 0", expect = ACCEPTABLE, desc = "thief 1 then empty; owner 2; 3 left")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "FALSE EMPTY (owner)")
@Outcome(id = "\\d, 0, .*", expect = FORBIDDEN, desc = "FALSE EMPTY (thief)")
@Outcome(id = ".*, [1-9]", expect = FORBIDDEN, desc = "FALSE FULL")
@Outcome(expect = FORBIDDEN, desc = "a task was LOST, DUPLICATED or taken out of FIFO order")
public class RunQueueTakeWithoutCasTest {
    private static final Task T1 = new Task(1);
    private static final Task T2 = new Task(2);
    private static final Task T3 = new Task(3);
    private static final Task CYCLED = new Task(9);

    private final BrokenRunQueue queue = new BrokenRunQueue(BrokenRunQueue.Flaw.PLAIN_TAKE, 4);

    public RunQueueTakeWithoutCasTest() {
        for (int i = 0; i < 2; i++) {
            queue.offer(CYCLED);
            queue.poll();
        }
        queue.offer(T1);
    }

    @Actor
    public void owner(IIIII_Result r) {
        int refused = 0;
        if (!queue.offer(T2)) refused++;
        if (!queue.offer(T3)) refused++;
        r.r1 = id(queue.poll());
        r.r5 = refused;
    }

    @Actor
    public void thief(IIIII_Result r) {
        r.r2 = id(queue.poll());
        r.r3 = id(queue.poll());
    }

    @Arbiter
    public void check(IIIII_Result r) {
        r.r4 = SelfcheckSupport.drain(queue);
    }
}
