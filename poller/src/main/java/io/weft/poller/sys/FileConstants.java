package io.weft.poller.sys;

/**
 * The {@code open(2)} flags and {@code *at(2)} values that differ between Linux, macOS and
 * FreeBSD, one column per platform; {@link FileSyscalls} publishes the running system's column
 * as its constants. {@code O_RDONLY} 0, {@code O_WRONLY} 1 and {@code O_RDWR} 2 are the same
 * everywhere and stay plain constants there.
 *
 * <p>Where each column comes from (the test {@code FileConstantsTest} repeats every value):
 * <ul>
 *   <li>Linux: the kernel's {@code include/uapi/asm-generic/fcntl.h} (x86_64) with
 *       {@code arch/arm64/include/uapi/asm/fcntl.h}, which moves {@code O_DIRECTORY},
 *       {@code O_NOFOLLOW}, {@code O_DIRECT} and {@code O_LARGEFILE} (the only difference between
 *       the two); {@code include/uapi/linux/fcntl.h} for {@code AT_*}.
 *   <li>macOS: XNU's {@code bsd/sys/fcntl.h} (xnu-11417; {@code O_DSYNC} 0x400000 is in its
 *       {@code sys/_types/_o_dsync.h}, which fcntl.h includes and names in a comment).
 *   <li>FreeBSD: {@code sys/sys/fcntl.h} (FreeBSD 14). {@code O_DSYNC} first appeared in 13.0.
 * </ul>
 *
 * <p>A value the platform does not have is {@link #UNSUPPORTED}; the files module refuses the
 * option that needs it, naming the platform, rather than open the file without it.
 */
final class FileConstants {
    /** A flag this platform (or this version of it) does not have. */
    static final int UNSUPPORTED = -1;

    /** The first FreeBSD with {@code O_DSYNC}. */
    static final int FREEBSD_O_DSYNC_SINCE = 13;

    final OsPlatform platform;

    final int oCreat;
    final int oExcl;
    final int oNoctty;
    final int oTrunc;
    final int oAppend;
    /** Data-integrity writes; FreeBSD before 13 has none. */
    final int oDsync;
    /** File-integrity writes; Linux spells it {@code __O_SYNC | O_DSYNC}. */
    final int oSync;
    /** Linux and FreeBSD; macOS has none (its {@code F_NOCACHE} is a different contract). */
    final int oDirect;
    final int oNofollow;
    final int oCloexec;

    final int atFdcwd;
    final int atSymlinkNofollow;
    /**
     * Linux's {@code statx} of a descriptor with an empty path. Not used elsewhere: the BSDs
     * stat a descriptor with {@code fstat(2)}, which every version has (macOS has no
     * {@code AT_EMPTY_PATH}; FreeBSD's, 0x4000, is 13 and later).
     */
    final int atEmptyPath;

    /**
     * @param arm64        Linux on aarch64, whose four flags differ from x86_64's
     * @param osMajor      the system's major version ({@code os.version}), for FreeBSD's {@code O_DSYNC}
     */
    FileConstants(OsPlatform p, boolean arm64, int osMajor) {
        platform = p;
        boolean linuxArm64 = p == OsPlatform.LINUX && arm64;
        boolean freebsdDsync = osMajor >= FREEBSD_O_DSYNC_SINCE;
        //                          Linux                                 macOS        FreeBSD
        oCreat = p.pick(            0100,                                 0x00000200,  0x00000200);
        oExcl = p.pick(             0200,                                 0x00000800,  0x00000800);
        oNoctty = p.pick(           0400,                                 0x00020000,  0x00008000);
        oTrunc = p.pick(            01000,                                0x00000400,  0x00000400);
        oAppend = p.pick(           02000,                                0x00000008,  0x00000008);
        oDsync = p.pick(            010000,                               0x00400000,  freebsdDsync ? 0x01000000 : UNSUPPORTED);
        oSync = p.pick(             04000000 | 010000,                    0x00000080,  0x00000080);
        oDirect = p.pick(           linuxArm64 ? 0200000 : 040000,        UNSUPPORTED, 0x00010000);
        oNofollow = p.pick(         linuxArm64 ? 0100000 : 0400000,       0x00000100,  0x00000100);
        oCloexec = p.pick(          02000000,                             0x01000000,  0x00100000);

        atFdcwd = p.pick(           -100,                                 -2,          -100);
        atSymlinkNofollow = p.pick( 0x100,                                0x0020,      0x0200);
        atEmptyPath = p.pick(       0x1000,                               UNSUPPORTED, UNSUPPORTED);
    }

    /** The running system's column. */
    static FileConstants current() {
        return new FileConstants(OsPlatform.current(), OsPlatform.isArm64(System.getProperty("os.arch", "")),
                OsPlatform.majorVersion(System.getProperty("os.version", "")));
    }
}
