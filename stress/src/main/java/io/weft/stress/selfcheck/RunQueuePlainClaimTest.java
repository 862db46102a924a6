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
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.RunQueueTwoProducersTest}'s
 * body on {@link BrokenRunQueue} with flaw {@link BrokenRunQueue.Flaw#PLAIN_CLAIM}: an offer
 * claims its position by reading enqueuePos and then writing it, not by one CAS, so the
 * submitter and the owner can claim the same position and write the same cell. Expected:
 * LOST TASK, {@code 0, 1, ...}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): RunQueue PLAIN_CLAIM")
@Outcome(id = "0, 0, 0, 0, 0", expect = ACCEPTABLE_INTERESTING, desc = "all polls found the head cell not yet published")
@Outcome(id = "0, 0, 0, 0, [1-4]", expect = ACCEPTABLE, desc = "nothing lost or doubled, per-producer FIFO")
@Outcome(id = "[1-4], .*", expect = FORBIDDEN, desc = "FALSE FULL: an offer was refused")
@Outcome(id = "\\d, [1-9], .*", expect = FORBIDDEN, desc = "LOST TASK: an accepted task never came out")
@Outcome(id = "\\d, \\d, [1-9], .*", expect = FORBIDDEN, desc = "DUPLICATED TASK")
@Outcome(id = "\\d, \\d, \\d, [1-9], .*", expect = FORBIDDEN, desc = "OUT OF ORDER")
public class RunQueuePlainClaimTest {
    private static final Task T1 = new Task(1);
    private static final Task T2 = new Task(2);
    private static final Task T3 = new Task(3);
    private static final Task T4 = new Task(4);
    private static final Task CYCLED = new Task(9);

    private final BrokenRunQueue queue = new BrokenRunQueue(BrokenRunQueue.Flaw.PLAIN_CLAIM, 4);
    private int refusedA;
    private int refusedB;
    private int taken;
    private int takenCount;

    public RunQueuePlainClaimTest() {
        for (int i = 0; i < 3; i++) {
            queue.offer(CYCLED);
            queue.poll();
        }
    }

    @Actor
    public void submitter() {
        int refused = 0;
        if (!queue.offer(T1)) refused++;
        if (!queue.offer(T2)) refused++;
        refusedA = refused;
    }

    @Actor
    public void owner() {
        int refused = 0;
        int digits = 0;
        int n = 0;
        if (!queue.offer(T3)) refused++;
        for (int i = 0; i < 4; i++) {
            if (i == 1 && !queue.offer(T4)) refused++;
            Runnable t = queue.poll();
            if (t != null) {
                digits = digits * 10 + id(t);
                n++;
            }
        }
        refusedB = refused;
        taken = digits;
        takenCount = n;
    }

    @Arbiter
    public void check(IIIII_Result r) {
        int rest = SelfcheckSupport.drain(queue);
        String seq = (taken == 0 ? "" : Integer.toString(taken)) + (rest == 0 ? "" : Integer.toString(rest));
        int[] seen = new int[10];
        for (int i = 0; i < seq.length(); i++) {
            seen[seq.charAt(i) - '0']++;
        }
        int lost = 0;
        int dup = 0;
        for (int task = 1; task <= 4; task++) {
            if (seen[task] == 0) lost++;
            if (seen[task] > 1) dup += seen[task] - 1;
        }
        for (int other = 5; other <= 9; other++) {
            dup += seen[other];
        }
        int order = 0;
        if (seq.indexOf('1') >= 0 && seq.indexOf('2') >= 0 && seq.indexOf('2') < seq.indexOf('1')) order++;
        if (seq.indexOf('3') >= 0 && seq.indexOf('4') >= 0 && seq.indexOf('4') < seq.indexOf('3')) order++;
        r.r1 = refusedA + refusedB;
        r.r2 = lost;
        r.r3 = dup;
        r.r4 = order;
        r.r5 = takenCount;
    }
}
