package io.weft.poller.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;

/**
 * The scratch memory a downcall needs for the moment it runs: the slot the linker captures
 * {@code errno} into (at its start, so the area itself is what a downcall is given), and a
 * {@code struct iovec} ({@link #IOVEC_OFFSET}) for the vectored calls. Owned per OS thread, because a downcall
 * cannot be interrupted by another call on the same OS thread: a virtual thread stays mounted
 * from the downcall to the read of its errno (nothing in between parks, and JDK 25 never
 * preempts a virtual thread that does not park).
 *
 * <h2>Why the carrier lends its own</h2>
 * A plain thread-local slot is allocated on each thread's first system call, from an
 * automatic arena so that it dies with its thread. For a virtual thread per connection that
 * is a native allocation and a {@code Cleaner} registration per connection, and the
 * registration takes the JDK's common cleaner lock, the monitor every such thread contends on
 * (and one that once deadlocked the JDK's virtual-thread unblocker: see the wake-ups, which
 * bring their own slot). So a carrier ({@link Lender}) lends one scratch area to every
 * virtual thread mounted on it; platform threads, and virtual threads of the JDK's own
 * scheduler, keep the thread-local slot. Reaching the carrier needs
 * {@code Thread.currentCarrierThread()}, which needs {@code java.lang} opened (as Weft's
 * scheduler always does); without it every thread uses its own slot, as before.
 *
 * <p>Every Weft downcall ({@code Libc}, {@code FileSyscalls}, {@code KqueueLibrary}) captures
 * with {@link #CAPTURE_ERRNO} and turns its return value into {@link #result}'s form.
 */
public final class CallStates {
    /** The linker option every Weft downcall starts with: errno into the area it is given. */
    public static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO = Linker.Option.captureStateLayout()
            .varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** The byte offset of a {@code struct iovec {void *base; size_t len;}} in a scratch area. */
    static final long IOVEC_OFFSET = 16;
    /** The size of a scratch area. */
    private static final long SCRATCH_SIZE = 32;

    static {
        if (Linker.Option.captureStateLayout().byteSize() > IOVEC_OFFSET) {
            throw new ExceptionInInitializerError("the call-state layout ("
                    + Linker.Option.captureStateLayout().byteSize() + " bytes) does not fit before the iovec");
        }
    }

    /**
     * A platform thread that lends a scratch area to the virtual threads mounted on it (a Weft
     * carrier). Only code running on that OS thread may use it.
     */
    public interface Lender {
        /** An area from {@link #allocateScratch()}, this thread's for good. */
        MemorySegment scratch();
    }

    private static final MethodHandle CURRENT_CARRIER = currentCarrierHandle();
    private static final ThreadLocal<MemorySegment> OWN = ThreadLocal.withInitial(CallStates::allocateScratch);

    private CallStates() {}

    /** A new scratch area, freed when it is unreachable (for a {@link Lender}, once). */
    public static MemorySegment allocateScratch() {
        return Arena.ofAuto().allocate(SCRATCH_SIZE, 8);
    }

    /**
     * The calling thread's scratch area: its carrier's, when it is a virtual thread mounted on
     * a {@link Lender} (or is a lender itself), else its own. Use it for one downcall and the
     * read of its results, with no park in between.
     */
    public static MemorySegment current() {
        if (CURRENT_CARRIER != null) {
            Thread carrier;
            try {
                carrier = (Thread) CURRENT_CARRIER.invokeExact();
            } catch (Throwable t) {
                throw new AssertionError("Thread.currentCarrierThread threw", t);
            }
            if (carrier instanceof Lender lender) {
                return lender.scratch();
            }
        }
        return OWN.get();
    }

    /** The errno a downcall captured into {@code state}. */
    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** A system call's result as Weft returns them: {@code ret}, or {@code -errno} when it is -1. */
    public static int result(int ret, MemorySegment state) {
        return ret == -1 ? -errno(state) : ret;
    }

    /** {@link #result(int, MemorySegment)} for calls that return a {@code long} ({@code ssize_t}). */
    public static long result(long ret, MemorySegment state) {
        return ret == -1 ? -errno(state) : ret;
    }

    private static MethodHandle currentCarrierHandle() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            return lookup.findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // java.lang not opened: every thread keeps its own slot
        }
    }
}
