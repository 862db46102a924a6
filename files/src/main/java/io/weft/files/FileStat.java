package io.weft.files;

import java.nio.file.attribute.FileTime;

/**
 * What a stat of a file says ({@code statx(2)} on Linux, {@code fstatat(2)}/{@code fstat(2)} on
 * macOS and FreeBSD, decoded by the poller's {@code StatLayout}): the subset that
 * {@link WeftFiles#stat} and {@link WeftFileChannel#stat} report. The type bits are the same on
 * the three systems.
 *
 * @param size         bytes
 * @param mode         {@code st_mode}: type bits ({@code S_IFMT}) and permission bits
 * @param lastModified {@code st_mtime}, to the nanosecond
 * @param inode        {@code st_ino}
 */
public record FileStat(long size, int mode, FileTime lastModified, long inode) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFIFO = 0010000;

    public boolean isRegularFile() {
        return (mode & S_IFMT) == S_IFREG;
    }

    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    /** A named pipe (FIFO). */
    public boolean isFifo() {
        return (mode & S_IFMT) == S_IFIFO;
    }

    /** The permission bits ({@code 0777} and set-id/sticky bits). */
    public int permissions() {
        return mode & 07777;
    }
}
