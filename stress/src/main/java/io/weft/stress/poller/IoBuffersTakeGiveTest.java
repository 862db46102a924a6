package io.weft.stress.poller;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.poller.sys.IoBuffers;
import java.lang.foreign.MemorySegment;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link IoBuffers}' pools, the native buffers of socket calls and io_uring sends: any thread
 * takes one (a writer, for one call or one send) and gives it back (the writer, or the carrier
 * when the send's final completion arrives), so gives and takes race on a shared idle list
 * plus a count that bounds it. Two threads must never hold the same buffer at once: a send
 * would go out with the other thread's bytes, or a buffer freed under a pending send.
 *
 * <p>Each actor gives back a buffer it held (taken when the state was made) and takes one; both
 * now hold one, and they must be two different buffers. The pool is the real, process-wide
 * one, so the takes also race the other states' gives and takes; every buffer is given back by
 * the arbiter.
 *
 * <p>Result: r1 = the two actors now hold the same buffer (1); r2 = the buffers have
 * {@link IoBuffers#SMALL} bytes (1).
 *
 * <p>Bugs it catches: a take that looks at the idle list's head and removes it in a second
 * step (no single atomic poll): both takers get the head, SHARED BUFFER, {@code 1, 1} (caught by
 * {@code io.weft.stress.selfcheck.BufferPoolPeekThenRemoveTest}); a give that lists a buffer
 * twice, the same.
 */
@JCStressTest
@State
@Description("IoBuffers: give + take vs give + take")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "each holds a buffer of its own")
@Outcome(id = "1, .*", expect = FORBIDDEN, desc = "SHARED BUFFER: two threads hold the same native buffer")
@Outcome(expect = FORBIDDEN, desc = "a buffer of the wrong size")
public class IoBuffersTakeGiveTest {
    private MemorySegment heldA = IoBuffers.take(IoBuffers.SMALL);
    private MemorySegment heldB = IoBuffers.take(IoBuffers.SMALL);

    @Actor
    public void a() {
        IoBuffers.give(heldA);
        heldA = IoBuffers.take(IoBuffers.SMALL);
    }

    @Actor
    public void b() {
        IoBuffers.give(heldB);
        heldB = IoBuffers.take(IoBuffers.SMALL);
    }

    @Arbiter
    public void check(II_Result r) {
        boolean same = heldA.address() == heldB.address();
        r.r1 = same ? 1 : 0;
        r.r2 = heldA.byteSize() == IoBuffers.SMALL && heldB.byteSize() == IoBuffers.SMALL ? 1 : 0;
        IoBuffers.give(heldA);
        if (!same) {
            IoBuffers.give(heldB);
        }
    }
}
