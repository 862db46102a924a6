package io.weft.poller.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The file system calls of the files module's blocking path ({@code openat}, {@code pread},
 * {@code pwrite}, {@code fsync}, {@code fdatasync}, {@code ftruncate}, {@code statx}), with
 * errno captured by the linker, and the Linux flags and {@code struct statx} offsets that both
 * this path and the io_uring one ({@code IORING_OP_OPENAT}, {@code STATX}) use.
 *
 * <p>Every method follows {@link Libc}'s convention: {@code >= 0} is success, a negative result
 * is {@code -errno}. Linux only (x86_64 and arm64, whose open flags differ in three bits);
 * elsewhere {@code statx} is missing and calling it throws {@link UnsupportedOperationException}.
 * Any thread.
 */
public final class FileSyscalls {
    private static final boolean ARM64 = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)
            .matches("aarch64|arm64");

    // open(2) flags, from asm-generic/fcntl.h (x86_64) and arch/arm64's overrides.
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_DSYNC = 010000;
    public static final int O_DIRECT = ARM64 ? 0200000 : 040000;
    public static final int O_NOFOLLOW = ARM64 ? 0100000 : 0400000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_SYNC = 04000000 | O_DSYNC;

    /** {@code openat}/{@code statx} relative to the working directory. */
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** {@code statx} of the descriptor itself, with an empty path. */
    public static final int AT_EMPTY_PATH = 0x1000;

    /** {@code statx} mask: type, mode, links, owner, times, inode, size, blocks. */
    public static final int STATX_BASIC_STATS = 0x7ff;
    /** {@code sizeof(struct statx)}. */
    public static final long STATX_SIZE = 256;
    public static final long STATX_MODE = 28;   // u16
    public static final long STATX_INO = 32;    // u64
    public static final long STATX_SIZE_FIELD = 40; // u64
    public static final long STATX_BLOCKS = 48; // u64
    /** {@code struct statx_timestamp {s64 tv_sec; u32 tv_nsec; s32 pad;}} */
    public static final long STATX_ATIME = 64;
    public static final long STATX_CTIME = 96;
    public static final long STATX_MTIME = 112;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> CALL_STATE_SLOT =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE));

    // openat is variadic (the mode is the fourth argument, read only with O_CREAT).
    private static final MethodHandle OPENAT = downcall("openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3));
    private static final MethodHandle PREAD = downcall("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = downcall("pwrite",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle LSEEK = downcall("lseek",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FSYNC = downcall("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FDATASYNC = downcall("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FTRUNCATE = downcall("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle STATX = downcall("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

    private FileSyscalls() {}

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.defaultLookup().find(name)
                .map(symbol -> LINKER.downcallHandle(symbol, descriptor, options))
                .orElseGet(() -> missing(name, descriptor));
    }

    /** A handle that throws, for a function this C library lacks (statx outside Linux). */
    private static MethodHandle missing(String name, FunctionDescriptor descriptor) {
        java.lang.invoke.MethodType type = descriptor.toMethodType().insertParameterTypes(0, MemorySegment.class);
        MethodHandle thrower = java.lang.invoke.MethodHandles.throwException(type.returnType(), UnsupportedOperationException.class)
                .bindTo(new UnsupportedOperationException(name + " is not in this platform's C library"));
        return java.lang.invoke.MethodHandles.dropArguments(thrower, 0, type.parameterList());
    }

    private static long result(long ret, MemorySegment state) {
        return ret == -1 ? -(int) ERRNO.get(state, 0L) : ret;
    }

    private static int result(int ret, MemorySegment state) {
        return ret == -1 ? -(int) ERRNO.get(state, 0L) : ret;
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("downcall threw " + t, t);
    }

    /** {@code openat(2)}; {@code path} is a NUL-terminated native string. The new descriptor or {@code -errno}. */
    public static int openat(int dirfd, MemorySegment path, int flags, int mode) {
        MemorySegment s = CALL_STATE_SLOT.get();
        try {
            return result((int) OPENAT.invokeExact(s, dirfd, path, flags, mode), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code pread(2)} of up to {@code count} bytes at {@code offset}. */
    public static long pread(int fd, MemorySegment buf, long count, long offset) {
        MemorySegment s = CALL_STATE_SLOT.get();
        try {
            return result((long) PREAD.invokeExact(s, fd, buf, count, offset), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code pwrite(2)}; on a descriptor opened {@code O_APPEND} Linux appends whatever the offset. */
    public static long pwrite(int fd, MemorySegment buf, long count, long offset) {
        MemorySegment s = CALL_STATE_SLOT.get();
        try {
            return result((long) PWRITE.invokeExact(s, fd, buf, count, offset), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code write(2)} at the descriptor's own offset: what an {@code O_APPEND} write uses. */
    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment s = CALL_STATE_SLOT.get();
        try {
            return result((long) WRITE.invokeExact(s, fd, buf, count), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static final int SEEK_SET = 0;
    public static final int SEEK_CUR = 1;

    /** {@code lseek(2)}: the new offset. Never blocks, so every path calls it directly. */
    public static long lseek(int fd, long offset, int whence) {
        MemorySegment s = CALL_STATE_SLOT.get();
        try {
            return result((long) LSEEK.invokeExact(s, fd, offset, whence), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fsync(2)}, or {@code fdatasync(2)} when {@code dataOnly}. */
    public static int fsync(int fd, boolean dataOnly) {
        MemorySegment s = CALL_STATE_SLOT.get();
        try {
            return result(dataOnly ? (int) FDATASYNC.invokeExact(s, fd) : (int) FSYNC.invokeExact(s, fd), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int ftruncate(int fd, long length) {
        MemorySegment s = CALL_STATE_SLOT.get();
        try {
            return result((int) FTRUNCATE.invokeExact(s, fd, length), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code statx(2)} into {@code buf} ({@link #STATX_SIZE} bytes). */
    public static int statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment buf) {
        MemorySegment s = CALL_STATE_SLOT.get();
        try {
            return result((int) STATX.invokeExact(s, dirfd, path, flags, mask, buf), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
