package io.weft.poller.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each {@link StatLayout} against its header: the structure is built here field by field in the
 * header's order with the C alignment rules of the 64-bit ABIs ({@link CStruct}), every field
 * filled with a distinct value, and the layout must read back exactly the values written to the
 * fields it reports. A wrong offset or width reads a neighbour's bytes instead. Pure Java: runs
 * on any machine; the Linux layout is also checked against the running kernel
 * ({@code LiveFileConstantsTest}, and the files module's conformance tests against the JDK).
 */
class StatLayoutTest {
    /** A C structure laid out as the compiler would on x86_64/arm64: each field aligned to its own size. */
    private static final class CStruct {
        private final Map<String, long[]> fields = new LinkedHashMap<>(); // name -> {offset, size}
        private long next;

        CStruct field(String name, int size) {
            next = (next + size - 1) / size * size;
            fields.put(name, new long[] {next, size});
            next += size;
            return this;
        }

        /** {@code struct timespec {time_t tv_sec; long tv_nsec;}} (BSD {@code sys/_timespec.h}, 64-bit). */
        CStruct timespec(String name) {
            return field(name + ".tv_sec", 8).field(name + ".tv_nsec", 8);
        }

        /** Linux {@code struct statx_timestamp {__s64 tv_sec; __u32 tv_nsec; __s32 __reserved;}}. */
        CStruct statxTimestamp(String name) {
            return field(name + ".tv_sec", 8).field(name + ".tv_nsec", 4).field(name + ".__reserved", 4);
        }

        CStruct array(String name, int elementSize, int count) {
            for (int i = 0; i < count; i++) field(name + "[" + i + "]", elementSize);
            return this;
        }

        long size() {
            return (next + 7) / 8 * 8;
        }

        /** A buffer with every field set to a value of its own (its index repeated in each byte), then {@code values}. */
        MemorySegment encode(Arena arena, Map<String, Long> values) {
            MemorySegment s = arena.allocate(size(), 8);
            int index = 1;
            for (Map.Entry<String, long[]> f : fields.entrySet()) {
                long offset = f.getValue()[0];
                int size = (int) f.getValue()[1];
                long v = values.containsKey(f.getKey()) ? values.get(f.getKey()) : 0x0101010101010101L * index;
                switch (size) {
                    case 2 -> s.set(ValueLayout.JAVA_SHORT, offset, (short) v);
                    case 4 -> s.set(ValueLayout.JAVA_INT, offset, (int) v);
                    case 8 -> s.set(ValueLayout.JAVA_LONG, offset, v);
                    default -> throw new IllegalArgumentException(f.getKey());
                }
                index++;
            }
            return s;
        }
    }

    /** The values a stat reports, chosen to expose sign, width and offset mistakes. */
    private static Map<String, Long> reported(String mode, String ino, long inode, String size, String mtime) {
        Map<String, Long> v = new LinkedHashMap<>();
        v.put(mode, (long) 0100640);                  // regular file, rw-r-----
        v.put(ino, inode);
        v.put(size, 0x1_2345_6789L);                  // beyond 32 bits
        v.put(mtime + ".tv_sec", 1_767_225_600L);     // 2026-01-01T00:00:00Z
        v.put(mtime + ".tv_nsec", 999_999_999L);
        return v;
    }

    private static void assertDecodes(StatLayout layout, CStruct c, Map<String, Long> values, String mode, String ino,
                                      String size, String mtime) {
        assertEquals(c.size(), layout.byteSize(), layout + ": sizeof");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = c.encode(arena, values);
            assertEquals(values.get(mode).intValue(), layout.mode(s), layout + ": mode");
            assertEquals(values.get(ino).longValue(), layout.inode(s), layout + ": inode");
            assertEquals(values.get(size).longValue(), layout.fileSize(s), layout + ": size");
            assertEquals(values.get(mtime + ".tv_sec").longValue(), layout.mtimeSeconds(s), layout + ": mtime seconds");
            assertEquals(values.get(mtime + ".tv_nsec").intValue(), layout.mtimeNanos(s), layout + ": mtime nanoseconds");
        }
    }

    @Test
    void linuxStatx() {
        // include/uapi/linux/stat.h
        CStruct c = new CStruct()
                .field("stx_mask", 4).field("stx_blksize", 4).field("stx_attributes", 8)
                .field("stx_nlink", 4).field("stx_uid", 4).field("stx_gid", 4).field("stx_mode", 2).field("__spare0", 2)
                .field("stx_ino", 8).field("stx_size", 8).field("stx_blocks", 8).field("stx_attributes_mask", 8)
                .statxTimestamp("stx_atime").statxTimestamp("stx_btime").statxTimestamp("stx_ctime").statxTimestamp("stx_mtime")
                .field("stx_rdev_major", 4).field("stx_rdev_minor", 4).field("stx_dev_major", 4).field("stx_dev_minor", 4)
                .field("stx_mnt_id", 8).field("stx_dio_mem_align", 4).field("stx_dio_offset_align", 4)
                .array("__spare3", 8, 12);
        assertDecodes(StatLayout.LINUX_STATX, c, reported("stx_mode", "stx_ino", 0x7_0000_0001L, "stx_size", "stx_mtime"),
                "stx_mode", "stx_ino", "stx_size", "stx_mtime");
        assertEquals(StatLayout.LINUX_STATX.byteSize(), FileSyscalls.STATX_SIZE);
    }

    @Test
    void macosStat64() {
        // XNU bsd/sys/stat.h, __DARWIN_STRUCT_STAT64: dev_t int32, mode_t and nlink_t uint16, ino64 uint64
        CStruct c = new CStruct()
                .field("st_dev", 4).field("st_mode", 2).field("st_nlink", 2).field("st_ino", 8)
                .field("st_uid", 4).field("st_gid", 4).field("st_rdev", 4)
                .timespec("st_atimespec").timespec("st_mtimespec").timespec("st_ctimespec").timespec("st_birthtimespec")
                .field("st_size", 8).field("st_blocks", 8).field("st_blksize", 4).field("st_flags", 4).field("st_gen", 4)
                .field("st_lspare", 4).array("st_qspare", 8, 2);
        assertEquals(144, c.size());
        assertDecodes(StatLayout.MACOS, c, reported("st_mode", "st_ino", 0x7_0000_0001L, "st_size", "st_mtimespec"),
                "st_mode", "st_ino", "st_size", "st_mtimespec");
    }

    @Test
    void freebsd12() {
        // sys/sys/stat.h; sys/sys/_types.h: dev_t, ino_t, nlink_t uint64, mode_t uint16, blksize_t int32
        CStruct c = new CStruct()
                .field("st_dev", 8).field("st_ino", 8).field("st_nlink", 8).field("st_mode", 2).field("st_padding0", 2)
                .field("st_uid", 4).field("st_gid", 4).field("st_padding1", 4).field("st_rdev", 8)
                .timespec("st_atim").timespec("st_mtim").timespec("st_ctim").timespec("st_birthtim")
                .field("st_size", 8).field("st_blocks", 8).field("st_blksize", 4).field("st_flags", 4)
                .field("st_gen", 8).array("st_spare", 8, 10);
        assertEquals(224, c.size());
        assertDecodes(StatLayout.FREEBSD_12, c, reported("st_mode", "st_ino", 0x7_0000_0001L, "st_size", "st_mtim"),
                "st_mode", "st_ino", "st_size", "st_mtim");
    }

    @Test
    void freebsd11() {
        // struct freebsd11_stat in sys/sys/stat.h: 32-bit dev and ino, 16-bit nlink
        CStruct c = new CStruct()
                .field("st_dev", 4).field("st_ino", 4).field("st_mode", 2).field("st_nlink", 2)
                .field("st_uid", 4).field("st_gid", 4).field("st_rdev", 4)
                .timespec("st_atim").timespec("st_mtim").timespec("st_ctim")
                .field("st_size", 8).field("st_blocks", 8).field("st_blksize", 4).field("st_flags", 4).field("st_gen", 4)
                .field("st_lspare", 4).timespec("st_birthtim");
        assertEquals(120, c.size());
        // an inode with its top bit set: read as unsigned
        assertDecodes(StatLayout.FREEBSD_11, c, reported("st_mode", "st_ino", 0xFEDC_BA98L, "st_size", "st_mtim"),
                "st_mode", "st_ino", "st_size", "st_mtim");
    }

    @Test
    void theLayoutFollowsThePlatformAndFreebsdsVersion() {
        assertSame(StatLayout.LINUX_STATX, StatLayout.of(OsPlatform.LINUX, 6));
        assertSame(StatLayout.MACOS, StatLayout.of(OsPlatform.MACOS, 24));
        assertSame(StatLayout.FREEBSD_12, StatLayout.of(OsPlatform.FREEBSD, 12));
        assertSame(StatLayout.FREEBSD_12, StatLayout.of(OsPlatform.FREEBSD, 15));
        assertSame(StatLayout.FREEBSD_11, StatLayout.of(OsPlatform.FREEBSD, 11));
        assertSame(StatLayout.of(OsPlatform.current(), OsPlatform.majorVersion(System.getProperty("os.version"))),
                StatLayout.current());
    }
}
