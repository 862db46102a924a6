package io.weft.scheduler;

import static io.weft.scheduler.StressSupport.id;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
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
 * {@link RunQueue}: the owner carrier offers and polls while an idle carrier steals from the
 * same queue (one producer, two consumers). Every task comes out exactly once, in FIFO order
 * for each consumer, and a poll never says "empty" while a published task is queued.
 *
 * <p>A queue of capacity 4, cycled twice by the constructor (so the cells wrap), holds task 1
 * when the actors start. The owner offers tasks 2 and 3, then polls once; the thief polls
 * twice. The arbiter polls the rest. All outcomes a correct queue can give are listed below:
 * the owner's poll comes after its own offers, so at least one of tasks 1, 2, 3 is queued when
 * it runs (the thief takes at most two); the thief's first poll always finds task 1, or task 2
 * if the owner took 1 (then 2 and 3 were already offered).
 *
 * <p>Result: r1 = the task the owner's poll got (0 = null), r2, r3 = the thief's two polls,
 * r4 = the tasks the arbiter polled, as digits (0 = none), r5 = offers the owner saw refused.
 *
 * <p>Bugs it catches: two consumers claiming one position, when the claim is not a single CAS
 * of the dequeue position: both take task 1, a DUPLICATED run ({@code 1, 1, ...}), caught by
 * {@code io.weft.stress.selfcheck.RunQueueTakeWithoutCasTest}; a poll that returns null for a
 * cell another consumer is still reading (FALSE EMPTY: an idle carrier would go to sleep with
 * work queued); a lost or reordered task.
 */
@JCStressTest
@State
@Description("RunQueue: owner offers 2 and polls 1 vs a thief polling 2, one task queued at the start")
@Outcome(id = "1, 2, 3, 0, 0", expect = ACCEPTABLE,
        desc = "the owner polled task 1 before the thief's first poll; the thief stole 2 and 3")
@Outcome(id = "2, 1, 3, 0, 0", expect = ACCEPTABLE,
        desc = "the thief stole 1, the owner polled 2, the thief stole 3")
@Outcome(id = "3, 1, 2, 0, 0", expect = ACCEPTABLE,
        desc = "the thief stole 1 and 2 before the owner's poll, which got 3")
@Outcome(id = "2, 1, 0, 3, 0", expect = ACCEPTABLE,
        desc = "the thief stole 1, then found the queue empty before task 2 was published; the owner polled 2; 3 left")
@Outcome(id = "0, .*", expect = FORBIDDEN,
        desc = "FALSE EMPTY: the owner's poll returned null although at least one task was queued")
@Outcome(id = "\\d, 0, .*", expect = FORBIDDEN,
        desc = "FALSE EMPTY: the thief's first poll returned null although task 1 (or 2) was queued")
@Outcome(id = ".*, [1-9]", expect = FORBIDDEN,
        desc = "FALSE FULL: an offer into a queue of 4 holding at most 3 tasks was refused")
@Outcome(expect = FORBIDDEN,
        desc = "a task was LOST, DUPLICATED (handed to both consumers) or taken out of FIFO order")
public class RunQueueStealTest {
    private static final Task T1 = new Task(1);
    private static final Task T2 = new Task(2);
    private static final Task T3 = new Task(3);
    private static final Task CYCLED = new Task(9);

    private final RunQueue queue = new RunQueue(4);

    public RunQueueStealTest() {
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
        r.r4 = StressSupport.drain(queue);
    }
}
