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
                    case SPARSE -> { } // ignored on Linux, as by the JDK
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
        if (dsync) flags |= O_DSYNC;
        if (sync) flags |= O_SYNC;
        if (direct) flags |= O_DIRECT;
        return new OpenFlags(read, write, append, createNew, noFollow && !createNew, direct, flags | O_CLOEXEC);
    }
}
