package io.weft.scheduler;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InaccessibleObjectException;
import java.util.concurrent.Executor;

/**
 * The two JDK internals the scheduler needs, both in {@code java.lang}:
 * <ul>
 *   <li>{@code ThreadBuilders.VirtualThreadBuilder(Executor)}, the package-private builder of
 *       virtual threads with a custom scheduler: the scheduler receives each thread's
 *       continuation in {@link Executor#execute};</li>
 *   <li>{@code Thread.currentCarrierThread()}: from code running in a virtual thread, the
 *       platform thread it is mounted on, which is how a virtual thread finds its carrier's
 *       poller.</li>
 * </ul>
 * Both need {@code java.lang} opened to weft ({@code --add-opens java.base/java.lang=ALL-UNNAMED},
 * or the agent); without it, building a thread fails with a message that says so.
 */
final class VirtualThreads {
    static final String OPEN_FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    private static final Constructor<?> BUILDER;
    private static final MethodHandle CURRENT_CARRIER;
    private static final RuntimeException UNAVAILABLE;

    static {
        Constructor<?> builder = null;
        MethodHandle currentCarrier = null;
        RuntimeException unavailable = null;
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            builder = c.getDeclaredConstructor(Executor.class);
            builder.setAccessible(true);
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            currentCarrier = lookup.findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
        } catch (InaccessibleObjectException | IllegalAccessException e) {
            unavailable = new IllegalStateException("weft runs virtual threads on its own carriers through the JDK's "
                    + "package-private virtual thread builder, which needs java.lang opened: add " + OPEN_FLAG
                    + " to the java command (the weft agent opens it by itself)", e);
        } catch (ReflectiveOperationException e) {
            unavailable = new IllegalStateException("this JDK (" + Runtime.version() + ") has no custom-scheduler "
                    + "virtual thread builder where weft expects it (java.lang.ThreadBuilders$VirtualThreadBuilder); "
                    + "weft needs JDK 25", e);
        }
        BUILDER = builder;
        CURRENT_CARRIER = currentCarrier;
        UNAVAILABLE = unavailable;
    }

    private VirtualThreads() {}

    /** A JDK virtual thread builder whose threads are scheduled by {@code scheduler}. */
    static Thread.Builder.OfVirtual builder(Executor scheduler) {
        if (UNAVAILABLE != null) {
            throw UNAVAILABLE;
        }
        try {
            return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a virtual thread builder: " + e, e);
        }
    }

    /** Whether custom-scheduled virtual threads can be built (java.lang is open to weft). */
    static boolean available() {
        return UNAVAILABLE == null;
    }

    /**
     * The platform thread that runs the caller: itself for a platform thread, the carrier for
     * a mounted virtual thread. Without access to java.lang, virtual threads get null.
     */
    static Thread currentCarrierThread() {
        if (CURRENT_CARRIER == null) {
            Thread t = Thread.currentThread();
            return t.isVirtual() ? null : t;
        }
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
