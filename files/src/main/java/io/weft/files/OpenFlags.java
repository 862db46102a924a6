package io.weft.files;

import static io.weft.poller.sys.FileSyscalls.O_APPEND;
import static io.weft.poller.sys.FileSyscalls.O_CLOEXEC;
import static io.weft.poller.sys.FileSyscalls.O_CREAT;
import static io.weft.poller.sys.FileSyscalls.O_DIRECT;
import static io.weft.poller.sys.FileSyscalls.O_DSYNC;
import static io.weft.poller.sys.FileSyscalls.O_EXCL;
import static io.weft.poller.sys.FileSyscalls.O_NOFOLLOW;
import static io.weft.poller.sys.FileSyscalls.O_RDONLY;
import static io.weft.poller.sys.FileSyscalls.O_RDWR;
import static io.weft.poller.sys.FileSyscalls.O_SYNC;
import static io.weft.poller.sys.FileSyscalls.O_TRUNC;
import static io.weft.poller.sys.FileSyscalls.O_WRONLY;

import io.weft.poller.sys.FileSyscalls;
import io.weft.poller.sys.OsPlatform;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;

/**
 * Open options turned into {@code open(2)} flags by the JDK's rules (its
 * {@code sun.nio.fs.UnixChannelFactory}), so that the same options are accepted, refused and
 * mean the same: read is the default, {@code APPEND} implies write, {@code CREATE},
 * {@code CREATE_NEW} and {@code TRUNCATE_EXISTING} count only with write, {@code READ + APPEND}
 * and {@code APPEND + TRUNCATE_EXISTING} are refused, {@code SPARSE} is ignored.
 *
 * <p>The flag values are the running system's ({@link FileSyscalls}). An option this system
 * cannot do is refused with an {@link UnsupportedOperationException} naming the option and the
 * system, never opened without it: {@code WeftOpenOption.DIRECT} on macOS (no {@code O_DIRECT}),
 * {@code DSYNC} on FreeBSD before 13 (no {@code O_DSYNC}).
 *
 * @param flags the flags for {@code openat}, always with {@code O_CLOEXEC}
 */
record OpenFlags(boolean read, boolean write, boolean append, boolean createNew, boolean noFollow,
                 boolean direct, int flags) {

    /** The mode a created file gets before the umask, as the JDK's channels give it. */
    static final int CREATE_MODE = 0666;

    static OpenFlags of(Set<? extends OpenOption> options) {
        boolean read = false, write = false, append = false, truncate = false, create = false, createNew = false;
        boolean noFollow = false, sync = false, dsync = false, direct = false;
        for (OpenOption o : options) {
            Objects.requireNonNull(o, "null open option");
            if (o instanceof StandardOpenOption s) {
                switch (s) {
                    case READ -> read = true;
                    case WRITE -> write = true;
                    case APPEND -> append = true;
                    case TRUNCATE_EXISTING -> truncate = true;
                    case CREATE -> create = true;
                    case CREATE_NEW -> createNew = true;
                    case SPARSE -> { } // ignored, as by the JDK
                    case SYNC -> sync = true;
                    case DSYNC -> dsync = true;
                    case DELETE_ON_CLOSE -> throw new UnsupportedOperationException(
                            "DELETE_ON_CLOSE is not supported by WeftFiles: delete the file after closing it");
                }
            } else if (o == LinkOption.NOFOLLOW_LINKS) {
                noFollow = true;
            } else if (o == WeftOpenOption.DIRECT) {
                direct = true;
            } else {
                throw new UnsupportedOperationException(o + " not supported");
            }
        }
        if (!read && !write) {
            if (append) {
                write = true;
            } else {
                read = true;
            }
        }
        if (read && append) {
            throw new IllegalArgumentException("READ + APPEND not allowed");
        }
        if (append && truncate) {
            throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
        }
        int flags = read && write ? O_RDWR : write ? O_WRONLY : O_RDONLY;
        if (write) {
            if (truncate) flags |= O_TRUNC;
            if (append) flags |= O_APPEND;
            if (createNew) {
                flags |= O_CREAT | O_EXCL;
            } else if (create) {
                flags |= O_CREAT;
            }
        } else {
            createNew = false;
        }
        // CREATE_NEW never follows a link (O_EXCL), so NOFOLLOW only matters without it.
        if (noFollow && !createNew) flags |= O_NOFOLLOW;
        if (dsync) flags |= available(O_DSYNC, "DSYNC",
                "O_DSYNC first appeared in FreeBSD 13; SYNC (O_SYNC) is the stronger option there");
        if (sync) flags |= O_SYNC;
        if (direct) flags |= available(O_DIRECT, "WeftOpenOption.DIRECT",
                "macOS has no O_DIRECT (its fcntl F_NOCACHE only asks the cache not to keep the data,"
                        + " without O_DIRECT's alignment contract)");
        return new OpenFlags(read, write, append, createNew, noFollow && !createNew, direct, flags | O_CLOEXEC);
    }

    /** {@code flag}, unless this system lacks it: then the option is refused, saying why. */
    static int available(int flag, String option, String why) {
        if (flag == FileSyscalls.UNSUPPORTED) {
            throw new UnsupportedOperationException(option + " is not supported on " + systemName() + ": " + why);
        }
        return flag;
    }

    /** "macOS", "FreeBSD 12.4-RELEASE", "Linux". */
    static String systemName() {
        return switch (OsPlatform.current()) {
            case LINUX -> "Linux";
            case MACOS -> "macOS";
            case FREEBSD -> "FreeBSD " + System.getProperty("os.version", "");
        };
    }
}
