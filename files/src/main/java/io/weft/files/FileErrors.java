package io.weft.files;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Libc;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * A failed system call as the exception the JDK throws for it, so that code written against
 * {@link java.nio.file.Files} and {@link java.nio.channels.FileChannel} catches the same types
 * and reads the same messages. The rules are those of the JDK's {@code sun.nio.fs.UnixException}
 * (calls on a path) and its {@code FileChannelImpl} (calls on an open channel).
 */
final class FileErrors {
    static final int ENOENT = Errno.ENOENT;
    static final int EACCES = Errno.EACCES;
    static final int EEXIST = Errno.EEXIST;
    static final int EINTR = Errno.EINTR;
    static final int EAGAIN = Errno.EAGAIN;
    static final int ECANCELED = Errno.ECANCELED;
    static final int EOPNOTSUPP = Errno.EOPNOTSUPP;
    static final int EISDIR = Errno.byName("EISDIR");
    static final int ELOOP = Errno.byName("ELOOP");

    private FileErrors() {}

    /** A call on {@code file} (open, stat) that failed with {@code errno}. */
    static IOException onPath(String file, int errno) {
        if (errno == EACCES) return new AccessDeniedException(file);
        if (errno == ENOENT) return new NoSuchFileException(file);
        if (errno == EEXIST) return new FileAlreadyExistsException(file);
        if (errno == ELOOP) {
            return new FileSystemException(file, null, describe(errno) + " or unable to access attributes of symbolic link");
        }
        return new FileSystemException(file, null, describe(errno));
    }

    /** A read, write, size, truncate or force on an open channel that failed with {@code errno}. */
    static IOException onChannel(int errno) {
        return new IOException(describe(errno));
    }

    /** The C library's text for {@code errno}, e.g. "Is a directory", as the JDK's messages use it. */
    static String describe(int errno) {
        return Libc.strerror(errno);
    }
}
