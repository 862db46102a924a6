package io.weft.poller.sys;

import java.util.Locale;

/**
 * The system whose C library and kernel ABI the socket layer speaks: chosen once, from
 * {@code os.name}, as {@code KqueuePlatform} chooses a kqueue. The values that differ between
 * them (socket option numbers, flags, errno numbers, {@code sockaddr} layouts) are in
 * {@link SocketConstants} and {@link ErrnoNames}; x86_64 and arm64 share them on each system.
 *
 * <p>libkqueue on Linux is still {@link #LINUX}: it swaps the poller, not the C library.
 * The file layer's values ({@link FileConstants}, {@link StatLayout}) also depend on the
 * architecture (Linux arm64's open flags) and the version (FreeBSD's {@code O_DSYNC} and
 * {@code struct stat}), read with {@link #isArm64} and {@link #majorVersion}.
 */
public enum OsPlatform {
    LINUX,
    MACOS,
    FREEBSD;

    private static final OsPlatform CURRENT = detect(System.getProperty("os.name", ""));

    /** The system this JVM runs on. */
    public static OsPlatform current() {
        return CURRENT;
    }

    /**
     * The platform for {@code os.name}. Anything that is neither macOS nor FreeBSD is taken for
     * Linux, the system weft's constants always assumed (weft runs on these three only).
     */
    static OsPlatform detect(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return MACOS;
        }
        if (os.startsWith("freebsd")) {
            return FREEBSD;
        }
        return LINUX;
    }

    /** Whether {@code os.arch} names 64-bit ARM ({@code aarch64} on Linux, {@code arm64} or {@code aarch64} on macOS). */
    static boolean isArm64(String osArch) {
        String arch = osArch.toLowerCase(Locale.ROOT);
        return arch.equals("aarch64") || arch.equals("arm64");
    }

    /** The leading number of {@code os.version}, e.g. 14 for {@code "14.1-RELEASE"}; 0 when there is none. */
    static int majorVersion(String osVersion) {
        int end = 0;
        while (end < osVersion.length() && Character.isDigit(osVersion.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(osVersion.substring(0, end));
    }

    /** Whether this is a BSD-derived system (macOS or FreeBSD): {@code sin_len}, 0xffff socket level. */
    public boolean isBsd() {
        return this != LINUX;
    }

    /** One row of a per-platform table: this platform's column. */
    int pick(int linux, int macos, int freebsd) {
        return switch (this) {
            case LINUX -> linux;
            case MACOS -> macos;
            case FREEBSD -> freebsd;
        };
    }
}
