package io.weft.poller.testkit;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.OsPlatform;
import io.weft.poller.sys.Sockets;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * {@code open(2)} for tests that need a raw descriptor of a regular file (Libc has none). The
 * flags are this system's: fcntl.h on Linux (asm-generic) and on the BSDs (XNU bsd/sys/fcntl.h,
 * FreeBSD sys/sys/fcntl.h: O_CREAT 0x200, O_TRUNC 0x400) differ.
 */
public final class NativeFiles {
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = OsPlatform.current().isBsd() ? 0x200 : 0100;
    public static final int O_TRUNC = OsPlatform.current().isBsd() ? 0x400 : 01000;
    public static final int O_CLOEXEC = Sockets.O_CLOEXEC;
    /**
     * Linux only: O_DIRECT is 040000 in asm-generic (x86_64, riscv64) and 0200000 on arm64,
     * which swaps it with O_DIRECTORY.
     */
    public static final int O_DIRECT = System.getProperty("os.arch").equals("aarch64") ? 0200000 : 040000;

    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = openHandle();

    @SuppressWarnings("restricted") // the JVM runs with --enable-native-access=ALL-UNNAMED
    private static MethodHandle openHandle() {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().findOrThrow("open"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
    }

    private NativeFiles() {}

    /** Opens {@code path} read-write, creating and truncating it, close-on-exec. */
    public static int openReadWrite(Path path) throws ErrnoException {
        return open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    }

    public static int open(Path path, int flags, int mode) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()), flags, mode);
            if (fd < 0) {
                throw new ErrnoException("open(" + path + ")", (int) ERRNO.get(state, 0L));
            }
            return fd;
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Whether {@code fd} is open in this process: {@code F_GETFD} fails with EBADF otherwise (no /proc needed). */
    public static boolean isOpen(int fd) {
        return Libc.fcntl(fd, Sockets.F_GETFD, 0) >= 0;
    }

    /** A descriptor number that is not open now (checked, not guessed). */
    public static int unusedDescriptor() {
        for (int fd = 4000; fd < 5000; fd++) {
            if (!isOpen(fd)) {
                return fd;
            }
        }
        throw new AssertionError("no free descriptor number between 4000 and 5000");
    }
}
