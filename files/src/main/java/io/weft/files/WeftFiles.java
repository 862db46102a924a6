package io.weft.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * File I/O for virtual threads that never pins a carrier. On a Weft carrier running io_uring
 * every call is an io_uring operation ({@code OPENAT}, {@code READ}, {@code WRITE},
 * {@code FSYNC}, {@code STATX}, {@code CLOSE}) while the thread parks; on any other virtual
 * thread (a Weft carrier on epoll, or on kqueue on macOS and FreeBSD; the JDK's own scheduler)
 * the blocking call runs on a small pool of platform threads ({@code weft.files.blockingThreads})
 * while the thread parks; on a platform thread it is simply made. Options, results and
 * exceptions are the JDK's ({@link java.nio.file.Files}, {@link java.nio.channels.FileChannel})
 * on each system. Linux, macOS and FreeBSD; an option the system cannot do
 * ({@link WeftOpenOption#DIRECT} on macOS) is refused with an
 * {@link UnsupportedOperationException} naming it. See docs/files.md.
 *
 * <pre>
 * try (WeftFileChannel ch = WeftFiles.open(path, StandardOpenOption.READ)) {
 *     ch.read(buffer, 0);
 * }
 * </pre>
 */
public final class WeftFiles {
    private WeftFiles() {}

    /**
     * Opens or creates a file, as {@link java.nio.channels.FileChannel#open(Path, OpenOption...)}:
     * {@link StandardOpenOption}s, {@link LinkOption#NOFOLLOW_LINKS} and
     * {@link WeftOpenOption#DIRECT}; {@code DELETE_ON_CLOSE} is not supported, nor an option this
     * system lacks ({@code DIRECT} on macOS, {@code DSYNC} on FreeBSD before 13).
     *
     * @throws java.nio.file.NoSuchFileException, AccessDeniedException, FileAlreadyExistsException,
     *         FileSystemException as the JDK throws them
     */
    public static WeftFileChannel open(Path path, OpenOption... options) throws IOException {
        return open(path, new HashSet<>(java.util.Arrays.asList(options))); // repeats allowed, as the JDK's
    }

    /** {@link #open(Path, OpenOption...)} with a set, as {@code FileChannel.open(Path, Set, ...)}. */
    public static WeftFileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
        String file = checkPath(path);
        OpenFlags flags = OpenFlags.of(options);
        if (flags.createNew() && (file.equals(".") || file.endsWith("/."))) {
            // As the JDK: "." exists, and the kernel's answer would be a confusing EISDIR.
            throw FileErrors.onPath(file, FileErrors.EEXIST);
        }
        int r = FileIo.open(file, flags.flags(), OpenFlags.CREATE_MODE);
        if (r < 0) {
            int errno = -r;
            if (flags.createNew() && errno == FileErrors.EISDIR) {
                errno = FileErrors.EEXIST; // Linux says EISDIR for an existing directory
            }
            if (flags.noFollow() && errno == FileErrors.ELOOP) {
                throw new IOException(FileErrors.describe(errno) + " (NOFOLLOW_LINKS specified)");
            }
            throw FileErrors.onPath(file, errno);
        }
        return new WeftFileChannel(r, file, flags);
    }

    /**
     * An input stream over {@link #open}, as {@link java.nio.file.Files#newInputStream}: no
     * write options.
     */
    public static InputStream newInputStream(Path path, OpenOption... options) throws IOException {
        for (OpenOption o : options) {
            if (o == StandardOpenOption.APPEND || o == StandardOpenOption.WRITE) {
                throw new UnsupportedOperationException("'" + o + "' not allowed");
            }
        }
        return Channels.newInputStream(open(path, options));
    }

    /**
     * An output stream over {@link #open}, as {@link java.nio.file.Files#newOutputStream}: with
     * no options {@code CREATE, TRUNCATE_EXISTING, WRITE}; {@code READ} is refused. Its writes
     * write every byte (the stream loops on short writes).
     */
    public static OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
        Set<OpenOption> set = new HashSet<>();
        if (options.length == 0) {
            set.add(StandardOpenOption.CREATE);
            set.add(StandardOpenOption.TRUNCATE_EXISTING);
        } else {
            for (OpenOption o : options) {
                if (o == StandardOpenOption.READ) {
                    throw new IllegalArgumentException("READ not allowed");
                }
                set.add(o);
            }
        }
        set.add(StandardOpenOption.WRITE);
        return Channels.newOutputStream(open(path, set));
    }

    /**
     * A stat of {@code path} ({@code statx} on Linux, {@code fstatat} on macOS and FreeBSD): size,
     * mode, modification time, inode. Follows a symbolic link
     * unless {@link LinkOption#NOFOLLOW_LINKS} is given.
     */
    public static FileStat stat(Path path, LinkOption... options) throws IOException {
        String file = checkPath(path);
        boolean noFollow = false;
        for (LinkOption o : options) {
            if (o == LinkOption.NOFOLLOW_LINKS) noFollow = true;
        }
        return FileIo.stat(file, -1, noFollow, errno -> FileErrors.onPath(file, errno));
    }

    /** The size of the blocking pool ({@code weft.files.blockingThreads}). */
    public static int blockingPoolSize() {
        return BlockingPool.size();
    }

    private static String checkPath(Path path) {
        if (path.getFileSystem() != FileSystems.getDefault()) {
            throw new ProviderMismatchException("not a path of the default file system: " + path);
        }
        return path.toString();
    }
}
