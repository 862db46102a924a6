package io.weft.bench.poller;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/** {@code open(2)} of a regular file for the file benchmarks (the poller's Libc binds sockets, not files). */
final class RawFiles {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000; // Linux, every architecture

    private static final MethodHandle OPEN = openHandle();

    private RawFiles() {}

    @SuppressWarnings("restricted") // the benchmark JVMs run with --enable-native-access=ALL-UNNAMED
    private static MethodHandle openHandle() {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().findOrThrow("open"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    }

    /** Opens {@code path} read-only; the descriptor is the caller's to close. */
    static int openReadOnly(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom(path.toString()), O_RDONLY | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("open(" + path + ") failed");
            }
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
