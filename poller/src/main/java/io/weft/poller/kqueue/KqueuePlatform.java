package io.weft.poller.kqueue;

import java.util.Locale;

/**
 * What differs between the kqueue implementations weft runs on, chosen at run time: the size of
 * {@code struct kevent} (see {@link Kevent}) and the value of {@code EVFILT_USER}. Everything
 * else the poller uses has the same value everywhere.
 */
enum KqueuePlatform {
    /** macOS (Darwin): 32-byte kevent; EVFILT_USER is -10 (EVFILT_MACHPORT took -8, FS -9). */
    MACOS(32, (short) -10),
    /** FreeBSD before 12: 32-byte kevent. */
    FREEBSD_11(32, (short) -11),
    /**
     * FreeBSD 12 and later: {@code data} became {@code int64_t} and {@code ext[4]} was added,
     * 64 bytes; the default {@code kevent} symbol (FBSD_1.5) takes this layout.
     */
    FREEBSD_12(64, (short) -11),
    /** libkqueue (on Linux): its {@code sys/event.h} declares the 32-byte layout, EVFILT_USER -11. */
    LIBKQUEUE(32, (short) -11);

    final long keventSize;
    final short evfiltUser;

    KqueuePlatform(long keventSize, short evfiltUser) {
        this.keventSize = keventSize;
        this.evfiltUser = evfiltUser;
    }

    /**
     * The platform for {@code os.name} and {@code os.version}; {@code namedLibrary} when
     * {@code weft.kqueue.library} names a libkqueue build. Null where no kqueue is known.
     */
    static KqueuePlatform detect(String osName, String osVersion, boolean namedLibrary) {
        if (namedLibrary) {
            return LIBKQUEUE;
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return MACOS;
        }
        if (os.startsWith("freebsd")) {
            return majorVersion(osVersion) >= 12 ? FREEBSD_12 : FREEBSD_11;
        }
        return null;
    }

    /** The leading number of e.g. {@code "14.1-RELEASE"}; 0 when there is none. */
    static int majorVersion(String version) {
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(version.substring(0, end));
    }
}
