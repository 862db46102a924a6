package io.weft.net;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * {@link ReceiveQueue}'s hand-off: a multishot receive's completion {@code deliver}s bytes (on
 * the stream's carrier) while the reader, which found nothing queued, has registered its array
 * and is about to withdraw the registration. A delivery that finds a reader registered (and
 * nothing queued) copies straight into the reader's array, up to its length, and queues the
 * rest; the reader's {@code withdraw()} returns how many bytes were handed to it. Every
 * delivered byte must end up either handed to the reader (counted by {@code withdraw}, in its
 * array) or queued for the next read: never both (the next read would return it again), never
 * neither (lost from the stream), and in order (the handed bytes are the first ones, the queue
 * holds the rest).
 *
 * <p>The reader here does not park: it registers and withdraws at once, each step under
 * {@code lockForTest()}'s lock as {@code take} takes them, which is a reader whose wait timed out
 * immediately, racing the delivery. Four bytes ({@code 1, 2, 3, 4}, in a native segment as the
 * buffer ring's) are delivered to a 2-byte array, so a hand-off is always partial: a delivery
 * before the registration or after the withdrawal queues all four; one in between hands over
 * two and queues two. No stream is ever started (the socket, with a made-up descriptor number
 * from {@link NetStressSupport#fakeFd()}, is never used): the arbiter reads the queue with
 * {@code take(b, 0, len, 0, false)}, which returns queued bytes without touching the stream.
 *
 * <p>Result: r1 = {@code withdraw()}'s count, the bytes handed to the reader; r2 = by the
 * arbiter, {@code queued()}; r3 = by the arbiter, 1 if the bytes are right: the reader's array
 * holds {@code 1..r1} in its first r1 places and nothing after them, and the queue holds
 * {@code r1+1, r1+2, ...} (as many as {@code queued()} says), else 0.
 *
 * <p>Bugs it catches: a {@code deliver} that looks at the registration outside the lock (or
 * does not look at it again under the lock) and copies into an array whose reader has withdrawn
 * meanwhile: LOST BYTES, the reader returned 0 and two bytes are in its array, not in the
 * queue, {@code 0, 2, 0} (caught by
 * {@code io.weft.stress.selfcheck.ReceiveQueueCheckOutsideLockTest}); a {@code deliver} that
 * copies into the array without counting it in {@code handed}, or a {@code withdraw} that loses
 * the count: the same; a {@code deliver} that hands over and still queues the whole delivery:
 * DUPLICATED BYTES, {@code 2, 4, *}; one that queues the wrong part (from 0 rather than from
 * what it handed over) or copies to the wrong place in the array: REORDERED/CORRUPT,
 * {@code *, *, 0}.
 */
@JCStressTest
@State
@Description("ReceiveQueue: deliver (the receive stream) vs a reader's register/withdraw")
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
public class ReceiveQueueHandOffTest {
    private static final int DELIVERED = 4;
    private static final int ARRAY = 2;

    private final ReceiveQueue queue = new ReceiveQueue(new SocketFd(NetStressSupport.fakeFd()), 1 << 20);
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
        // (take parks here; this reader's wait times out at once)
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
            int n;
            try {
                n = queue.take(rest, 0, queued, 0, false); // bytes queued: returns them, no stream
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ok = n == queued;
            for (int i = 0; ok && i < n; i++) {
                ok = rest[i] == handed + 1 + i;
            }
        }
        r.r3 = ok ? 1 : 0;
    }
}
