package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.net.ReceiveQueueHandOffTest}'s body on
 * {@link BrokenReceiveQueue} with flaw {@link BrokenReceiveQueue.Flaw#CHECK_READER_OUTSIDE_LOCK}:
 * {@code deliver} reads the reader's registration before it takes the lock and then copies into
 * the array it saw, so a reader that withdrew in between has returned 0 while two bytes went
 * into its array and not into the queue. Expected: LOST BYTES {@code 0, 2, 0}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): ReceiveQueue CHECK_READER_OUTSIDE_LOCK")
@Outcome(id = "0, 4, 1", expect = ACCEPTABLE,
        desc = "delivered before the registration or after the withdrawal: all four bytes queued, none handed")
@Outcome(id = "2, 2, 1", expect = ACCEPTABLE,
        desc = "delivered while registered: the first two bytes handed to the reader, the other two queued")
@Outcome(id = {"0, [0-3], .*", "1, [0-2], .*", "2, [0-1], .*"}, expect = FORBIDDEN,
        desc = "LOST BYTES: fewer than the four delivered are handed over or queued")
@Outcome(id = {"1, [4-9], .*", "2, [3-9], .*", "0, [5-9], .*", ".*, [1-9][0-9]+, .*"}, expect = FORBIDDEN,
        desc = "DUPLICATED BYTES: more than the four delivered are handed over and queued")
@Outcome(id = {"0, 4, 0", "2, 2, 0"}, expect = FORBIDDEN,
        desc = "REORDERED/CORRUPT: the right counts, but wrong bytes in the array or the queue, or out of order")
@Outcome(id = "1, 3, .*", expect = FORBIDDEN,
        desc = "SHORT HAND-OFF: one byte handed to a reader waiting for two, the next queued")
@Outcome(expect = FORBIDDEN, desc = "impossible")
public class ReceiveQueueCheckOutsideLockTest {
    private static final int DELIVERED = 4;
    private static final int ARRAY = 2;

    private final BrokenReceiveQueue queue = new BrokenReceiveQueue(BrokenReceiveQueue.Flaw.CHECK_READER_OUTSIDE_LOCK);
    private final byte[] buf = new byte[ARRAY];
    /** The delivered bytes, only ever read: one segment for every state (no Cleaner per state). */
    private static final MemorySegment DATA = Arena.global().allocate(DELIVERED);

    static {
        for (int i = 0; i < DELIVERED; i++) {
            DATA.set(ValueLayout.JAVA_BYTE, i, (byte) (i + 1));
        }
    }

    @Actor
    public void reader(III_Result r) {
        ReentrantLock lock = queue.lockForTest();
        lock.lock();
        try {
            queue.register(Thread.currentThread(), buf, 0, ARRAY);
        } finally {
            lock.unlock();
        }
        lock.lock();
        try {
            r.r1 = queue.withdraw();
        } finally {
            lock.unlock();
        }
    }

    @Actor
    public void stream() {
        queue.deliver(DATA, DELIVERED);
    }

    @Arbiter
    public void check(III_Result r) {
        int handed = r.r1;
        int queued = queue.queued();
        r.r2 = queued;
        boolean ok = handed >= 0 && handed <= ARRAY;
        for (int i = 0; ok && i < ARRAY; i++) {
            ok = buf[i] == (i < handed ? i + 1 : 0);
        }
        if (ok && queued > 0) {
            byte[] rest = new byte[queued];
            int n = queue.take(rest, 0, queued);
            ok = n == queued;
            for (int i = 0; ok && i < n; i++) {
                ok = rest[i] == handed + 1 + i;
            }
        }
        r.r3 = ok ? 1 : 0;
    }
}
