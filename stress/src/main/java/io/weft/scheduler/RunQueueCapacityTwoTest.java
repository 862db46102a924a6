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
import org.openjdk.jcstress.infra.results.IIIIII_Result;

/**
 * {@link RunQueue} at its boundaries: an empty queue of capacity 2 that a submitter and the
 * owner fill exactly to capacity, the owner then polling. {@code offer} may return false only
 * when the queue is really full.
 *
 * <p>The constructor cycles one task through, so the two cells are used at different laps
 * (positions 1 and 2: cell 1 on its first lap, cell 0 on its second). The submitter offers
 * task 1; the owner offers task 2, then polls once. Two tasks never overflow a queue of 2, so
 * both offers must succeed. The arbiter then offers task 9, which must fit exactly when the
 * owner's poll took a task, and task 8, which must be refused (the queue is full by then); then
 * it polls the queue empty.
 *
 * <p>Result: r1 = the submitter's offer accepted, r2 = the owner's offer accepted, r3 = the
 * task the owner's poll got (0 = null), r4, r5 = the arbiter's offers of 9 and 8 accepted,
 * r6 = the tasks the arbiter polled, as digits, oldest first.
 *
 * <p>Bugs it catches: an offer that gives up ("full") when its CAS of the enqueue position
 * loses to another producer, instead of retrying at the next position: FALSE FULL,
 * {@code 0, 1, ...} or {@code 1, 0, ...}, caught by
 * {@code io.weft.stress.selfcheck.RunQueueGiveUpOnContentionTest} (a carrier would spill such
 * tasks to the shared overflow queue for nothing); a full test that is off by a lap at the
 * wrap (the arbiter's offers); a lost or duplicated task.
 *
 * <p>Not a bug, and graded INTERESTING: the owner's poll may return null although its own
 * task 2 is queued, when the submitter has claimed the older position but not yet written it.
 * This queue hands out tasks in position order, so a consumer waits for a producer that is in
 * the middle of its offer ({@code poll} is not linearizable there; nothing is lost, and
 * {@link RunQueue#isEmpty} already counts the claimed position, so the carrier does not sleep).
 */
@JCStressTest
@State
@Description("RunQueue capacity 2: a submitter and the owner fill it exactly, the owner polls")
@Outcome(id = "1, 1, 1, 1, 0, 29", expect = ACCEPTABLE,
        desc = "the submitter's task 1 went first and the owner's poll got it; 9 filled the queue again, 8 was refused")
@Outcome(id = "1, 1, 2, 1, 0, 19", expect = ACCEPTABLE,
        desc = "the owner's task 2 went first and its poll got it; 9 filled the queue again, 8 was refused")
@Outcome(id = "1, 1, 0, 0, 0, 12", expect = ACCEPTABLE_INTERESTING,
        desc = "the owner's poll returned null: task 1's older position was claimed but not yet written (a poll waits "
                + "for it); both tasks stayed queued, so 9 and 8 were refused")
@Outcome(id = "0, .*", expect = FORBIDDEN,
        desc = "FALSE FULL: the submitter's offer was refused, but the queue of 2 never held more than 2 tasks")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN,
        desc = "FALSE FULL: the owner's offer was refused, but the queue of 2 never held more than 2 tasks")
@Outcome(id = "1, 1, [12], 0, .*", expect = FORBIDDEN,
        desc = "FALSE FULL: the arbiter's offer of 9 was refused with one task queued")
@Outcome(id = "\\d, \\d, \\d, \\d, 1, .*", expect = FORBIDDEN,
        desc = "OVERFULL: the arbiter's offer of 8 into a full queue was accepted")
@Outcome(expect = FORBIDDEN,
        desc = "a task was LOST or DUPLICATED, taken out of order, or one that was never offered came out")
public class RunQueueCapacityTwoTest {
    private static final Task T1 = new Task(1);
    private static final Task T2 = new Task(2);
    private static final Task T8 = new Task(8);
    private static final Task T9 = new Task(9);

    private final RunQueue queue = new RunQueue(2);

    public RunQueueCapacityTwoTest() {
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
        r.r6 = StressSupport.drain(queue);
    }
}
