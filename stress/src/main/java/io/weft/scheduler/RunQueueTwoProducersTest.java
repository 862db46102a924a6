package io.weft.scheduler;

import static io.weft.scheduler.StressSupport.id;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.scheduler.StressSupport.Task;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * {@link RunQueue}: a thread submitting to a carrier offers into its run queue while the
 * carrier (the owner) offers its own tasks and polls: two producers, one consumer. No task may
 * be lost or handed out twice, and each producer's tasks come out in the order it offered
 * them.
 *
 * <p>A queue of capacity 4, which the constructor has already cycled 3 tasks through, so the
 * four tasks of the test occupy cells 3, 0, 1, 2: they wrap around the array into the second
 * lap of the cells' sequence numbers. The submitter offers tasks 1 then 2; the owner offers 3,
 * polls, offers 4 and polls three more times, keeping what it gets. The arbiter then polls
 * the queue empty. At most 4 tasks are ever in the queue, so no offer may be refused.
 *
 * <p>Result: r1 = offers refused, r2 = offered tasks that never came out (lost),
 * r3 = tasks that came out more than once, or that nobody offered (duplicated),
 * r4 = producers whose two tasks came out in the wrong order (the owner's polls, then the
 * arbiter's, form one sequence: there is a single consumer), r5 = how many tasks the owner's
 * polls got (any number is fine; it shows how much the actors overlapped).
 *
 * <p>Bugs it catches: two producers claiming one position, when the claim is not a single CAS
 * of the enqueue position: both write the same cell and one task is LOST, {@code 0, 1, ...}
 * ({@code io.weft.stress.selfcheck.RunQueuePlainClaimTest}); a cell published before its task
 * is written, or a lap mix-up of the sequence numbers at the wrap (lost or duplicated tasks);
 * a false "full" under contention ({@code r1 > 0}).
 */
@JCStressTest
@State
@Description("RunQueue: a submitter offers 2 vs the owner offering 2 and polling 4, capacity 4, wrapping")
@Outcome(id = "0, 0, 0, 0, 0", expect = ACCEPTABLE_INTERESTING,
        desc = "all four polls returned null although the owner's task 3 was queued: the head cell was claimed by the "
                + "submitter but not yet published, and a poll waits for it; nothing lost, the arbiter got all four")
@Outcome(id = "0, 0, 0, 0, [1-3]", expect = ACCEPTABLE,
        desc = "the owner got some tasks while the submitter offered; nothing lost or doubled, per-producer FIFO")
@Outcome(id = "0, 0, 0, 0, 4", expect = ACCEPTABLE,
        desc = "the owner got all four; per-producer FIFO")
@Outcome(id = "[1-4], .*", expect = FORBIDDEN,
        desc = "FALSE FULL: offer() returned false, but the queue of 4 never held more than 4 tasks")
@Outcome(id = "\\d, [1-9], .*", expect = FORBIDDEN,
        desc = "LOST TASK: an accepted task never came out of the queue")
@Outcome(id = "\\d, \\d, [1-9], .*", expect = FORBIDDEN,
        desc = "DUPLICATED TASK: a task came out twice (or one nobody offered came out)")
@Outcome(id = "\\d, \\d, \\d, [1-9], .*", expect = FORBIDDEN,
        desc = "OUT OF ORDER: a producer's second task came out before its first")
public class RunQueueTwoProducersTest {
    private static final Task T1 = new Task(1);
    private static final Task T2 = new Task(2);
    private static final Task T3 = new Task(3);
    private static final Task T4 = new Task(4);
    private static final Task CYCLED = new Task(9);

    private final RunQueue queue = new RunQueue(4);
    private int refusedA;
    private int refusedB;
    /** What the owner's polls got, as decimal digits (oldest first), and how many. */
    private int taken;
    private int takenCount;

    public RunQueueTwoProducersTest() {
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
        int rest = StressSupport.drain(queue);
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
