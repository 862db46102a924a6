package io.weft.poller.sys;

import static io.weft.poller.sys.CallStates.result;
import static io.weft.poller.sys.Downcalls.downcall;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The file system calls of the files module's blocking path ({@code openat}, {@code pread},
 * {@code pwrite}, {@code fsync}, {@code fdatasync}, {@code ftruncate}, and a stat: {@code statx}
 * on Linux, {@code fstatat}/{@code fstat} on macOS and FreeBSD), with errno captured by the
 * linker, and the open flags that both this path and the io_uring one ({@code IORING_OP_OPENAT},
 * {@code STATX}) use.
 *
 * <p>The flags are this system's ({@link FileConstants}: Linux x86_64 or arm64, macOS, FreeBSD),
 * static finals but not compile-time constants. A flag the system lacks is {@link #UNSUPPORTED}:
 * {@code O_DIRECT} on macOS, {@code O_DSYNC} on FreeBSD before 13, {@code AT_EMPTY_PATH} off
 * Linux. Where each stat structure's fields are is {@link StatLayout}'s job.
 *
 * <p>Every method follows {@link Libc}'s convention: {@code >= 0} is success, a negative result
 * is {@code -errno}. A function this C library lacks ({@code statx} off Linux) throws
 * {@link UnsupportedOperationException} naming it. Any thread.
 */
public final class FileSyscalls {
    private static final OsPlatform PLATFORM = OsPlatform.current();
    private static final FileConstants CONSTANTS = FileConstants.current();

    /** The value of a flag this system does not have. */
    public static final int UNSUPPORTED = FileConstants.UNSUPPORTED;

    // The same everywhere.
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;

    // This system's values (FileConstants).
    public static final int O_CREAT = CONSTANTS.oCreat;
    public static final int O_EXCL = CONSTANTS.oExcl;
    public static final int O_NOCTTY = CONSTANTS.oNoctty;
    public static final int O_TRUNC = CONSTANTS.oTrunc;
    public static final int O_APPEND = CONSTANTS.oAppend;
    /** {@link #UNSUPPORTED} on FreeBSD before 13. */
    public static final int O_DSYNC = CONSTANTS.oDsync;
    public static final int O_SYNC = CONSTANTS.oSync;
    /** {@link #UNSUPPORTED} on macOS. */
    public static final int O_DIRECT = CONSTANTS.oDirect;
    public static final int O_NOFOLLOW = CONSTANTS.oNofollow;
    public static final int O_CLOEXEC = CONSTANTS.oCloexec;

    /** {@code openat}/{@code statx}/{@code fstatat} relative to the working directory. */
    public static final int AT_FDCWD = CONSTANTS.atFdcwd;
    public static final int AT_SYMLINK_NOFOLLOW = CONSTANTS.atSymlinkNofollow;
    /** Linux: {@code statx} of the descriptor itself, with an empty path. Elsewhere {@link #statFd} uses fstat. */
    public static final int AT_EMPTY_PATH = CONSTANTS.atEmptyPath;

    /** {@code statx} mask: type, mode, links, owner, times, inode, size, blocks. */
    public static final int STATX_BASIC_STATS = 0x7ff;
    /** {@code sizeof(struct statx)}; its fields: {@link StatLayout#LINUX_STATX}. */
    public static final long STATX_SIZE = StatLayout.LINUX_STATX.byteSize();

    /** macOS {@code fcntl} command: fsync and ask the drive to flush its cache (XNU bsd/sys/fcntl.h). */
    static final int F_FULLFSYNC = 51;

    // openat is variadic (the mode is the fourth argument, read only with O_CREAT).
    private static final MethodHandle OPENAT = downcall("openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3));
    private static final MethodHandle PREAD = downcall("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    // Linux 4.6+, glibc 2.26+; missing elsewhere (then preadNoWait answers EOPNOTSUPP).
    private static final MethodHandle PREADV2 = PLATFORM == OsPlatform.LINUX ? downcall("preadv2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT)) : null;
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
    private static final MethodHandle FSTATAT = downcall(statSymbol("fstatat"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle FSTAT = downcall(statSymbol("fstat"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    /** The empty path of Linux's {@code statx(fd, "", AT_EMPTY_PATH)}. */
    private static final MemorySegment EMPTY_PATH = Arena.global().allocate(1);

    /** macOS's ENOTSUP, the errno of an F_FULLFSYNC the file system does not do; no other system reaches it. */
    private static final int MACOS_ENOTSUP = PLATFORM == OsPlatform.MACOS ? Errno.byName("ENOTSUP") : Errno.ABSENT;

    private FileSyscalls() {}

    /**
     * The C library's name of a stat function whose {@code struct stat} is {@link StatLayout#current()}'s.
     * macOS on x86_64 keeps the 32-bit-inode {@code struct stat} under the plain names and the
     * 64-bit-inode one under {@code name$INODE64} (XNU {@code bsd/sys/cdefs.h}:
     * {@code __DARWIN_SUF_64_BIT_INO_T}, empty where {@code __DARWIN_ONLY_64_BIT_INO_T}, as on arm64).
     */
    private static String statSymbol(String name) {
        boolean macosX86 = PLATFORM == OsPlatform.MACOS && !OsPlatform.isArm64(System.getProperty("os.arch", ""));
        return macosX86 ? name + "$INODE64" : name;
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("downcall threw " + t, t);
    }

    /** {@code openat(2)}; {@code path} is a NUL-terminated native string. The new descriptor or {@code -errno}. */
    public static int openat(int dirfd, MemorySegment path, int flags, int mode) {
        MemorySegment s = CallStates.current();
        try {
            return result((int) OPENAT.invokeExact(s, dirfd, path, flags, mode), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code pread(2)} of up to {@code count} bytes at {@code offset}. */
    public static long pread(int fd, MemorySegment buf, long count, long offset) {
        MemorySegment s = CallStates.current();
        try {
            return result((long) PREAD.invokeExact(s, fd, buf, count, offset), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code preadv2}'s flag: fail with {@code EAGAIN} rather than wait for the disk (Linux 4.14+). */
    public static final int RWF_NOWAIT = 0x8;

    /**
     * {@code preadv2(fd, {buf, count}, 1, offset, RWF_NOWAIT)}: a read that only copies what is
     * already in the page cache, {@code -EAGAIN} when it would have to wait for the disk (it may
     * return fewer bytes, those that were cached), {@code -EOPNOTSUPP} where the file (or this
     * system) cannot say. {@code offset} -1 reads at, and advances, the descriptor's position.
     */
    public static long preadNoWait(int fd, MemorySegment buf, long count, long offset) {
        if (PREADV2 == null) {
            return -Errno.EOPNOTSUPP;
        }
        MemorySegment s = CallStates.current();
        MemorySegment iov = s.asSlice(CallStates.IOVEC_OFFSET, 16); // the OS thread's own: no malloc/free per read
        try {
            iov.set(JAVA_LONG, 0, buf.address());
            iov.set(JAVA_LONG, 8, count);
            return result((long) PREADV2.invokeExact(s, fd, iov, 1, offset, RWF_NOWAIT), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code pwrite(2)}; on a descriptor opened {@code O_APPEND} Linux appends whatever the offset. */
    public static long pwrite(int fd, MemorySegment buf, long count, long offset) {
        MemorySegment s = CallStates.current();
        try {
            return result((long) PWRITE.invokeExact(s, fd, buf, count, offset), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code write(2)} at the descriptor's own offset: what an {@code O_APPEND} write uses. */
    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment s = CallStates.current();
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
        MemorySegment s = CallStates.current();
        try {
            return result((long) LSEEK.invokeExact(s, fd, offset, whence), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Flushes the file to stable storage as the JDK's {@code FileChannel.force} does on this
     * system: {@code fsync(2)}, or {@code fdatasync(2)} when {@code dataOnly}, on Linux and
     * FreeBSD. On macOS both are {@code fcntl(F_FULLFSYNC)}: its {@code fsync} leaves the data in
     * the drive's cache, and its {@code fdatasync} is not a documented call; when the file system
     * does not do F_FULLFSYNC ({@code ENOTSUP}, e.g. some network file systems), {@code fsync}.
     */
    public static int fsync(int fd, boolean dataOnly) {
        MemorySegment s = CallStates.current();
        try {
            if (PLATFORM == OsPlatform.MACOS) {
                int r = Libc.fcntl(fd, F_FULLFSYNC, 0);
                return r == -MACOS_ENOTSUP ? result((int) FSYNC.invokeExact(s, fd), s) : r;
            }
            return result(dataOnly ? (int) FDATASYNC.invokeExact(s, fd) : (int) FSYNC.invokeExact(s, fd), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int ftruncate(int fd, long length) {
        MemorySegment s = CallStates.current();
        try {
            return result((int) FTRUNCATE.invokeExact(s, fd, length), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code statx(2)} into {@code buf} ({@link #STATX_SIZE} bytes). Linux only. */
    public static int statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment buf) {
        MemorySegment s = CallStates.current();
        try {
            return result((int) STATX.invokeExact(s, dirfd, path, flags, mask, buf), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * A stat of {@code path} (a NUL-terminated native string, relative to the working directory)
     * into {@code buf} of {@link StatLayout#current()}'s size, following a final symbolic link
     * unless {@code noFollow}: {@code statx} on Linux, {@code fstatat} elsewhere.
     */
    public static int statPath(MemorySegment path, boolean noFollow, MemorySegment buf) {
        int flags = noFollow ? AT_SYMLINK_NOFOLLOW : 0;
        if (PLATFORM == OsPlatform.LINUX) {
            return statx(AT_FDCWD, path, flags, STATX_BASIC_STATS, buf);
        }
        MemorySegment s = CallStates.current();
        try {
            return result((int) FSTATAT.invokeExact(s, AT_FDCWD, path, buf, flags), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * A stat of descriptor {@code fd} into {@code buf} of {@link StatLayout#current()}'s size:
     * {@code statx(fd, "", AT_EMPTY_PATH)} on Linux, {@code fstat} elsewhere.
     */
    public static int statFd(int fd, MemorySegment buf) {
        if (PLATFORM == OsPlatform.LINUX) {
            return statx(fd, EMPTY_PATH, AT_EMPTY_PATH, STATX_BASIC_STATS, buf);
        }
        MemorySegment s = CallStates.current();
        try {
            return result((int) FSTAT.invokeExact(s, fd, buf), s);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
