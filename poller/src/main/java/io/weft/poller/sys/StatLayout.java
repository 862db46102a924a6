package io.weft.poller.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where the fields the files module reports (size, mode, modification time, inode) sit in the
 * structure each platform's stat call fills, and how wide they are: Linux's {@code struct statx}
 * (the blocking {@code statx(2)} and io_uring's {@code IORING_OP_STATX} both fill it), and the
 * {@code struct stat} that {@code fstat(2)}/{@code fstatat(2)} fill on macOS and FreeBSD. Only
 * the 64-bit ABIs (x86_64 and arm64), the only ones weft runs on. Values are in the machine's
 * byte order.
 *
 * <p>Each offset below is worked out from the header's field order and the C alignment rules
 * ({@code StatLayoutTest} encodes a structure field by field from the same header and decodes it).
 */
public final class StatLayout {
    /**
     * Linux {@code struct statx}, {@code include/uapi/linux/stat.h}: 256 bytes;
     * {@code __u16 stx_mode} at 28 (after mask, blksize, attributes, nlink, uid, gid),
     * {@code __u64 stx_ino} at 32, {@code stx_size} at 40, and {@code struct statx_timestamp
     * {__s64 tv_sec; __u32 tv_nsec; __s32 __reserved;}} for atime 64, btime 80, ctime 96,
     * {@code stx_mtime} at 112 (nanoseconds at 120).
     */
    public static final StatLayout LINUX_STATX = new StatLayout("struct statx", 256, 28, 32, false, 40, 112, 120, false);

    /**
     * macOS {@code struct stat} with 64-bit inodes (XNU {@code bsd/sys/stat.h},
     * {@code __DARWIN_STRUCT_STAT64}), the only one on arm64 and the {@code $INODE64} one on
     * x86_64: 144 bytes; {@code dev_t} (int32) 0, {@code mode_t} (uint16) 4, {@code nlink_t}
     * (uint16) 6, {@code st_ino} (uint64) 8, uid 16, gid 20, rdev 24, 4 bytes of padding, then
     * four {@code struct timespec {long tv_sec; long tv_nsec;}}: atime 32, {@code st_mtimespec}
     * 48, ctime 64, birthtime 80; {@code off_t st_size} 96.
     */
    public static final StatLayout MACOS = new StatLayout("macOS struct stat (64-bit ino)", 144, 4, 8, false, 96, 48, 56, true);

    /**
     * FreeBSD 12 and later {@code struct stat} ({@code sys/sys/stat.h} with 64-bit
     * {@code ino_t}, {@code dev_t} and {@code nlink_t} from {@code sys/sys/_types.h},
     * {@code struct timespec} from {@code sys/sys/_timespec.h}): 224 bytes; dev 0,
     * {@code st_ino} 8, nlink 16, {@code st_mode} (uint16) 24, a 16-bit pad (15:
     * {@code st_bsdflags}) 26, uid 28, gid 32, a 32-bit pad 36, rdev 40, atime 48,
     * {@code st_mtim} 64, ctime 80, birthtime 96, {@code st_size} 112. The default
     * {@code fstat}/{@code fstatat} symbols (version FBSD_1.5) fill this one.
     */
    public static final StatLayout FREEBSD_12 = new StatLayout("FreeBSD 12+ struct stat", 224, 24, 8, false, 112, 64, 72, true);

    /**
     * FreeBSD 11 {@code struct stat}, kept in later headers as {@code struct freebsd11_stat}:
     * 120 bytes; {@code __uint32_t st_dev} 0, {@code __uint32_t st_ino} 4, {@code st_mode} 8,
     * {@code __uint16_t st_nlink} 10, uid 12, gid 16, rdev 20, atime 24, {@code st_mtim} 40,
     * ctime 56, {@code st_size} 72.
     */
    public static final StatLayout FREEBSD_11 = new StatLayout("FreeBSD 11 struct stat", 120, 8, 4, true, 72, 40, 48, true);

    private static final StatLayout CURRENT = of(OsPlatform.current(),
            OsPlatform.majorVersion(System.getProperty("os.version", "")));

    private final String struct;
    private final long byteSize;
    private final long mode;
    private final long inode;
    private final boolean inode32;
    private final long size;
    private final long mtimeSeconds;
    private final long mtimeNanos;
    /** A C {@code long tv_nsec} (the BSDs' timespec), not statx's {@code __u32}. */
    private final boolean nanos64;

    private StatLayout(String struct, long byteSize, long mode, long inode, boolean inode32, long size,
                       long mtimeSeconds, long mtimeNanos, boolean nanos64) {
        this.struct = struct;
        this.byteSize = byteSize;
        this.mode = mode;
        this.inode = inode;
        this.inode32 = inode32;
        this.size = size;
        this.mtimeSeconds = mtimeSeconds;
        this.mtimeNanos = mtimeNanos;
        this.nanos64 = nanos64;
    }

    /** What the running system's blocking stat fills ({@link FileSyscalls#statPath}, {@link FileSyscalls#statFd}). */
    public static StatLayout current() {
        return CURRENT;
    }

    /** The layout for {@code platform} at major version {@code osMajor} (FreeBSD changed it in 12). */
    static StatLayout of(OsPlatform platform, int osMajor) {
        return switch (platform) {
            case LINUX -> LINUX_STATX;
            case MACOS -> MACOS;
            case FREEBSD -> osMajor >= 12 ? FREEBSD_12 : FREEBSD_11;
        };
    }

    /** The structure's size: what a buffer for the call must hold. */
    public long byteSize() {
        return byteSize;
    }

    /** {@code st_mode}: type and permission bits. */
    public int mode(MemorySegment s) {
        return Short.toUnsignedInt(s.get(ValueLayout.JAVA_SHORT, mode));
    }

    /** {@code st_ino}. */
    public long inode(MemorySegment s) {
        return inode32 ? Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT, inode)) : s.get(ValueLayout.JAVA_LONG, inode);
    }

    /** {@code st_size}, in bytes. */
    public long fileSize(MemorySegment s) {
        return s.get(ValueLayout.JAVA_LONG, size);
    }

    /** The modification time's seconds since the epoch. */
    public long mtimeSeconds(MemorySegment s) {
        return s.get(ValueLayout.JAVA_LONG, mtimeSeconds);
    }

    /** The modification time's nanoseconds within its second. */
    public int mtimeNanos(MemorySegment s) {
        return nanos64 ? (int) s.get(ValueLayout.JAVA_LONG, mtimeNanos) : s.get(ValueLayout.JAVA_INT, mtimeNanos);
    }

    @Override
    public String toString() {
        return struct + " (" + byteSize + " bytes)";
    }
}
