package io.weft.poller.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every per-platform open flag and {@code *at} value against the header that defines it,
 * written out here from the header (not from the table). Pure Java: each platform's column is
 * checked on any machine; {@code LiveFileConstantsTest} checks the running system's column
 * against its kernel.
 *
 * <p>Linux x86_64: compiled and printed from glibc's {@code fcntl.h} ({@code asm-generic/fcntl.h},
 * {@code linux/fcntl.h}); arm64: {@code arch/arm64/include/uapi/asm/fcntl.h}. macOS: XNU
 * {@code bsd/sys/fcntl.h} (xnu-11417). FreeBSD: {@code sys/sys/fcntl.h} (FreeBSD 14).
 */
class FileConstantsTest {
    private static final FileConstants LINUX_X86_64 = new FileConstants(OsPlatform.LINUX, false, 6);
    private static final FileConstants LINUX_ARM64 = new FileConstants(OsPlatform.LINUX, true, 6);
    private static final FileConstants MACOS_ARM64 = new FileConstants(OsPlatform.MACOS, true, 24);
    private static final FileConstants MACOS_X86_64 = new FileConstants(OsPlatform.MACOS, false, 15);
    private static final FileConstants FREEBSD_14 = new FileConstants(OsPlatform.FREEBSD, false, 14);
    private static final FileConstants FREEBSD_12 = new FileConstants(OsPlatform.FREEBSD, true, 12);

    @Test
    void linuxX86_64() {
        FileConstants c = LINUX_X86_64;
        assertEquals(00000100, c.oCreat);
        assertEquals(00000200, c.oExcl);
        assertEquals(00000400, c.oNoctty);
        assertEquals(00001000, c.oTrunc);
        assertEquals(00002000, c.oAppend);
        assertEquals(00010000, c.oDsync);
        assertEquals(04010000, c.oSync, "__O_SYNC | O_DSYNC");
        assertEquals(00040000, c.oDirect);
        assertEquals(00400000, c.oNofollow);
        assertEquals(02000000, c.oCloexec);
        assertEquals(-100, c.atFdcwd);
        assertEquals(0x100, c.atSymlinkNofollow);
        assertEquals(0x1000, c.atEmptyPath);
    }

    @Test
    void linuxArm64MovesOnlyDirectAndNofollow() {
        FileConstants c = LINUX_ARM64;
        assertEquals(0200000, c.oDirect, "arm64: O_DIRECT 0200000");
        assertEquals(0100000, c.oNofollow, "arm64: O_NOFOLLOW 0100000");
        // everything else as asm-generic
        assertEquals(LINUX_X86_64.oCreat, c.oCreat);
        assertEquals(LINUX_X86_64.oExcl, c.oExcl);
        assertEquals(LINUX_X86_64.oNoctty, c.oNoctty);
        assertEquals(LINUX_X86_64.oTrunc, c.oTrunc);
        assertEquals(LINUX_X86_64.oAppend, c.oAppend);
        assertEquals(LINUX_X86_64.oDsync, c.oDsync);
        assertEquals(LINUX_X86_64.oSync, c.oSync);
        assertEquals(LINUX_X86_64.oCloexec, c.oCloexec);
        assertEquals(LINUX_X86_64.atFdcwd, c.atFdcwd);
        assertEquals(LINUX_X86_64.atSymlinkNofollow, c.atSymlinkNofollow);
        assertEquals(LINUX_X86_64.atEmptyPath, c.atEmptyPath);
    }

    @Test
    void macos() {
        for (FileConstants c : new FileConstants[] {MACOS_ARM64, MACOS_X86_64}) {
            assertEquals(0x00000200, c.oCreat);
            assertEquals(0x00000800, c.oExcl);
            assertEquals(0x00020000, c.oNoctty);
            assertEquals(0x00000400, c.oTrunc);
            assertEquals(0x00000008, c.oAppend);
            assertEquals(0x00400000, c.oDsync, "sys/_types/_o_dsync.h");
            assertEquals(0x00000080, c.oSync, "O_SYNC = O_FSYNC 0x80 (sys/_types/_o_sync.h)");
            assertEquals(FileConstants.UNSUPPORTED, c.oDirect, "no O_DIRECT on macOS");
            assertEquals(0x00000100, c.oNofollow);
            assertEquals(0x01000000, c.oCloexec);
            assertEquals(-2, c.atFdcwd);
            assertEquals(0x0020, c.atSymlinkNofollow);
            assertEquals(FileConstants.UNSUPPORTED, c.atEmptyPath, "no AT_EMPTY_PATH: fstat(2)");
        }
        assertEquals(51, FileSyscalls.F_FULLFSYNC);
    }

    @Test
    void freebsd() {
        for (FileConstants c : new FileConstants[] {FREEBSD_14, FREEBSD_12}) {
            assertEquals(0x00000200, c.oCreat);
            assertEquals(0x00000800, c.oExcl);
            assertEquals(0x00008000, c.oNoctty);
            assertEquals(0x00000400, c.oTrunc);
            assertEquals(0x00000008, c.oAppend);
            assertEquals(0x00000080, c.oSync);
            assertEquals(0x00010000, c.oDirect);
            assertEquals(0x00000100, c.oNofollow);
            assertEquals(0x00100000, c.oCloexec);
            assertEquals(-100, c.atFdcwd);
            assertEquals(0x0200, c.atSymlinkNofollow);
            assertEquals(FileConstants.UNSUPPORTED, c.atEmptyPath, "fstat(2); AT_EMPTY_PATH (0x4000) is 13+ only");
        }
        assertEquals(0x01000000, FREEBSD_14.oDsync);
        assertEquals(FileConstants.UNSUPPORTED, FREEBSD_12.oDsync, "O_DSYNC first appeared in FreeBSD 13.0");
    }

    @Test
    void everyPlatformsFlagsAreDistinctBits() {
        for (FileConstants c : new FileConstants[] {LINUX_X86_64, LINUX_ARM64, MACOS_ARM64, FREEBSD_14}) {
            int[] flags = {c.oCreat, c.oExcl, c.oNoctty, c.oTrunc, c.oAppend, c.oDsync, c.oDirect, c.oNofollow, c.oCloexec};
            int seen = FileSyscalls.O_WRONLY | FileSyscalls.O_RDWR;
            for (int f : flags) {
                if (f == FileConstants.UNSUPPORTED) continue;
                assertEquals(1, Integer.bitCount(f), c.platform + ": one bit " + Integer.toHexString(f));
                assertEquals(0, seen & f, c.platform + ": " + Integer.toHexString(f) + " overlaps another flag");
                seen |= f;
            }
        }
    }

    @Test
    void architectureAndVersionAreReadFromTheSystemProperties() {
        assertTrue(OsPlatform.isArm64("aarch64"));
        assertTrue(OsPlatform.isArm64("arm64"));
        assertFalse(OsPlatform.isArm64("amd64"));
        assertFalse(OsPlatform.isArm64("x86_64"));
        assertEquals(14, OsPlatform.majorVersion("14.1-RELEASE"));
        assertEquals(12, OsPlatform.majorVersion("12.4-STABLE"));
        assertEquals(6, OsPlatform.majorVersion("6.8.0-45-generic"));
        assertEquals(0, OsPlatform.majorVersion(""));
        assertEquals(new FileConstants(OsPlatform.current(), OsPlatform.isArm64(System.getProperty("os.arch")),
                OsPlatform.majorVersion(System.getProperty("os.version"))).oDirect, FileSyscalls.O_DIRECT);
    }
}
