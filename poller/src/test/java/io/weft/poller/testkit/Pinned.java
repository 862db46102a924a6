package io.weft.poller.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a piece of a test on the calling thread while a virtual thread there is <em>pinned</em>
 * (cannot unmount): inside a class initializer, or inside an FFM upcall from native code. What
 * the body returns or throws comes back out as from a plain call.
 *
 * <p>A class initializes once per class loader, so each call loads {@link Initializer} afresh,
 * in a class loader of its own: every call runs in a real, new {@code <clinit>}.
 */
public final class Pinned {
    /** What the next {@code <clinit>} or upcall on this thread runs, and what it gave. */
    private static final ThreadLocal<Pending> PENDING = new ThreadLocal<>();

    private Pinned() {}

    private static final class Pending {
        final Callable<?> body;
        Object result;
        Throwable thrown;
        boolean ran;

        Pending(Callable<?> body) {
            this.body = body;
        }
    }

    /** Runs {@code body} inside the static initializer of a class loaded for this call only. */
    public static <T> T inClassInitializer(Callable<T> body) throws Exception {
        return run(body, () -> Class.forName(Initializer.class.getName(), true, new OwnCopyLoader()));
    }

    /**
     * Runs {@code body} inside an upcall: a downcall to {@code qsort(3)} whose comparator is a Java
     * method, so a native frame (the C library's) lies between the body and its thread's entry.
     */
    @SuppressWarnings("restricted") // the test JVMs run with --enable-native-access=ALL-UNNAMED
    public static <T> T underNativeFrame(Callable<T> body) throws Exception {
        return run(body, () -> {
            Linker linker = Linker.nativeLinker();
            MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                            ValueLayout.ADDRESS));
            MethodHandle compare = MethodHandles.lookup().findStatic(Pinned.class, "compare",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment comparator = linker.upcallStub(compare,
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), arena);
                MemorySegment two = arena.allocateFrom(ValueLayout.JAVA_INT, 2, 1); // two elements: one comparison at least
                qsort.invokeExact(two, 2L, 4L, comparator);
            }
            return null;
        });
    }

    /**
     * Runs {@code body} on a thread {@code start} starts (a Weft virtual thread) and returns
     * its result or rethrows what it threw; fails, rather than hanging the build, when it has
     * not finished in 10 s, saying {@code what} hung and the scheduler's {@code state}.
     */
    public static <T> T runOn(Consumer<Runnable> start, String what, Callable<T> body, Supplier<?> state)
            throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        start.accept(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not end within 10 s: the pinned thread parked its carrier, which"
                    + " then never reaped its ring or polled its poller again (" + state.get() + ")");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) throw x;
            if (e.getCause() instanceof Error x) throw x;
            throw e;
        }
    }

    private interface Trigger {
        Object pin() throws Throwable;
    }

    @SuppressWarnings("unchecked")
    private static <T> T run(Callable<T> body, Trigger trigger) throws Exception {
        Pending p = new Pending(body);
        PENDING.set(p);
        try {
            trigger.pin();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        } finally {
            PENDING.remove();
        }
        if (!p.ran) {
            throw new AssertionError("the body did not run pinned");
        }
        if (p.thrown instanceof Exception e) throw e;
        if (p.thrown instanceof Error e) throw e;
        return (T) p.result;
    }

    /** Runs this thread's pending body once; public: called from {@link Initializer}'s own loader. */
    public static void runPending() {
        Pending p = PENDING.get();
        if (p == null || p.ran) {
            return;
        }
        p.ran = true;
        try {
            p.result = p.body.call();
        } catch (Throwable t) {
            p.thrown = t;
        }
    }

    /** The comparator qsort calls back: runs the pending body on the first call. */
    private static int compare(MemorySegment a, MemorySegment b) {
        runPending();
        return 0;
    }

    /** Its static initializer runs the pending body. Loaded afresh for each call. */
    public static final class Initializer {
        static {
            runPending();
        }
    }

    /** Defines its own copy of {@link Initializer}; everything else comes from the parent. */
    private static final class OwnCopyLoader extends ClassLoader {
        OwnCopyLoader() {
            super(Pinned.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(Initializer.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    String file = name.substring(name.lastIndexOf('.') + 1) + ".class";
                    try (InputStream in = Pinned.class.getResourceAsStream(file)) {
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException | NullPointerException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return c;
            }
        }
    }
}
