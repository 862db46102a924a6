package io.weft.poller.kqueue;

import static io.weft.poller.sys.CallStates.result;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.weft.poller.Backend;
import io.weft.poller.BackendUnavailableException;
import io.weft.poller.sys.CallStates;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Downcalls to {@code kqueue(2)} and {@code kevent(2)}: in the platform C library on macOS and
 * FreeBSD, or in the library {@code weft.kqueue.library} names (libkqueue, for testing on
 * Linux). Loaded once per library and shared by every poller. Results follow {@code Libc}'s
 * convention: {@code >= 0} is success, a negative value is {@code -errno}, captured by the
 * linker so that nothing in between can overwrite it.
 *
 * <p>Thread-safe: kevent itself may be called from any thread (the wake-up does).
 */
final class KqueueLibrary {
    /** The property that names a libkqueue build; every message about it names it too. */
    static final String LIBRARY_PROPERTY = "weft.kqueue.library";

    private static final Linker LINKER = Linker.nativeLinker();
    /** Keyed by the library path, "" for the platform C library. */
    private static final Map<String, KqueueLibrary> LOADED = new ConcurrentHashMap<>();

    final KqueuePlatform platform;
    private final MethodHandle kqueue;
    private final MethodHandle kevent;
    /** libkqueue's {@code libkqueue_drain_pending_close}, or null (see {@link #afterClose}). */
    private final MethodHandle drainPendingClose;

    private KqueueLibrary(KqueuePlatform platform, SymbolLookup lookup) {
        this.platform = platform;
        Linker.Option errno = CallStates.CAPTURE_ERRNO;
        this.kqueue = LINKER.downcallHandle(lookup.findOrThrow("kqueue"), FunctionDescriptor.of(JAVA_INT), errno);
        this.kevent = LINKER.downcallHandle(lookup.findOrThrow("kevent"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), errno);
        this.drainPendingClose = lookup.find("libkqueue_drain_pending_close")
                .map(s -> LINKER.downcallHandle(s, FunctionDescriptor.ofVoid()))
                .orElse(null);
    }

    /**
     * The kqueue of this platform, or of {@code libraryPath} when it is not null.
     *
     * @throws BackendUnavailableException naming {@value #LIBRARY_PROPERTY} when there is no
     *                                     kqueue here or the named library cannot be loaded
     */
    static KqueueLibrary load(String libraryPath) throws BackendUnavailableException {
        String key = libraryPath == null ? "" : libraryPath;
        KqueueLibrary lib = LOADED.get(key);
        if (lib == null) {
            lib = open(libraryPath);
            KqueueLibrary raced = LOADED.putIfAbsent(key, lib);
            if (raced != null) {
                lib = raced;
            }
        }
        return lib;
    }

    private static KqueueLibrary open(String libraryPath) throws BackendUnavailableException {
        String os = System.getProperty("os.name", "");
        KqueuePlatform platform = KqueuePlatform.detect(os, System.getProperty("os.version", ""), libraryPath != null);
        if (platform == null) {
            throw new BackendUnavailableException(Backend.KQUEUE, os + " has no kqueue; to run it on libkqueue, set "
                    + LIBRARY_PROPERTY + " to the path of libkqueue.so (see docs/configuration.md)", null);
        }
        try {
            SymbolLookup lookup = libraryPath == null
                    ? LINKER.defaultLookup()
                    // The global arena: the library stays loaded, as pollers may come and go.
                    : SymbolLookup.libraryLookup(Path.of(libraryPath), Arena.global());
            return new KqueueLibrary(platform, lookup);
        } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
            String where = libraryPath == null ? "the C library" : LIBRARY_PROPERTY + "=" + libraryPath;
            throw new BackendUnavailableException(Backend.KQUEUE,
                    "cannot bind kqueue/kevent from " + where + ": " + e.getMessage(), e);
        }
    }

    /** {@code kqueue()}: a new kqueue descriptor, or {@code -errno}. */
    int kqueue() {
        MemorySegment s = CallStates.current();
        try {
            return result((int) kqueue.invokeExact(s), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code kevent(kq, changes, nchanges, events, nevents, timeout)}: the number of events
     * stored, or {@code -errno}. {@code timeout} {@link MemorySegment#NULL} waits indefinitely.
     */
    int kevent(int kq, MemorySegment changes, int nchanges, MemorySegment events, int nevents, MemorySegment timeout) {
        return kevent(kq, changes, nchanges, events, nevents, timeout, CallStates.current());
    }

    /**
     * {@link #kevent(int, MemorySegment, int, MemorySegment, int, MemorySegment)} with the
     * caller's own call-state slot ({@code Libc.CALL_STATE_SIZE} bytes): for wake-ups, which
     * must not allocate the calling thread's (see {@code Libc.write} with a slot).
     */
    int kevent(int kq, MemorySegment changes, int nchanges, MemorySegment events, int nevents, MemorySegment timeout,
               MemorySegment callState) {
        try {
            return result((int) kevent.invokeExact(callState, kq, changes, nchanges, events, nevents, timeout), callState);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * After {@code close(kq)}. libkqueue learns of a closed kqueue on its own monitoring thread
     * and frees the kqueue's epoll instance and pipes there, later; waiting for that here keeps
     * {@code Poller.close} synchronous ("releases the poller's descriptors") as on a real kernel.
     */
    void afterClose() {
        if (drainPendingClose != null) {
            try {
                drainPendingClose.invokeExact();
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("downcall threw " + t, t);
    }
}
