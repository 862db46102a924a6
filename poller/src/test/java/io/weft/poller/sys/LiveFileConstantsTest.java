package io.weft.poller.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.LeakCheck;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running system's column of {@link FileConstants} and its {@link StatLayout} against its
 * kernel, by behaviour: a wrong flag would create, truncate, append, follow a link or leave a
 * descriptor inheritable when it should not, and a wrong layout would disagree with the JDK's
 * own attributes. On Linux this checks the Linux column; on macOS (the macos-kqueue workflow)
 * the macOS one.
 */
@ExtendWith(LeakCheck.class)
class LiveFileConstantsTest {
    @TempDir
    Path dir;

    private final Arena arena = Arena.ofConfined();
    private final List<Integer> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (int fd : open) {
            Libc.close(fd);
        }
        arena.close();
    }

    private MemorySegment nativePath(Path p) {
        return arena.allocateFrom(p.toString(), StandardCharsets.UTF_8);
    }

    /** openat(AT_FDCWD, p, flags, 0600): the descriptor (kept for closing) or -errno. */
    private int openat(Path p, int flags) {
        int fd = FileSyscalls.openat(FileSyscalls.AT_FDCWD, nativePath(p), flags, 0600);
        if (fd >= 0) open.add(fd);
        return fd;
    }

    private static int statusFlags(int fd) {
        int fl = Libc.fcntl(fd, Sockets.F_GETFL, 0);
        assertTrue(fl >= 0, "F_GETFL: " + fl);
        return fl;
    }

    @Test
    void createExclusiveRelativeToTheWorkingDirectory() {
        // A relative path: only AT_FDCWD makes openat resolve it against the working directory.
        Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("made").toAbsolutePath());
        assertTrue(!relative.isAbsolute(), relative::toString);
        int fd = openat(relative, FileSyscalls.O_CREAT | FileSyscalls.O_EXCL | FileSyscalls.O_WRONLY | FileSyscalls.O_CLOEXEC);
        assertTrue(fd >= 0, "O_CREAT | O_EXCL: " + fd);
        assertTrue(Files.isRegularFile(dir.resolve("made")));
        assertEquals(-Errno.EEXIST, openat(relative, FileSyscalls.O_CREAT | FileSyscalls.O_EXCL | FileSyscalls.O_WRONLY),
                "O_EXCL on an existing file");
        assertEquals(Sockets.FD_CLOEXEC, Libc.fcntl(fd, Sockets.F_GETFD, 0) & Sockets.FD_CLOEXEC, "O_CLOEXEC");
        int plain = openat(relative, FileSyscalls.O_RDONLY);
        assertEquals(0, Libc.fcntl(plain, Sockets.F_GETFD, 0) & Sockets.FD_CLOEXEC, "no O_CLOEXEC: inheritable");
    }

    @Test
    void truncateAndAppend() throws Exception {
        Path p = Files.writeString(dir.resolve("t"), "0123456789");
        int fd = openat(p, FileSyscalls.O_WRONLY | FileSyscalls.O_TRUNC);
        assertTrue(fd >= 0);
        assertEquals(0, Files.size(p), "O_TRUNC");
        Files.writeString(p, "0123456789");
        int app = openat(p, FileSyscalls.O_WRONLY | FileSyscalls.O_APPEND);
        MemorySegment ab = arena.allocateFrom("ab", StandardCharsets.US_ASCII);
        assertEquals(2, FileSyscalls.write(app, ab, 2));
        assertEquals("0123456789ab", Files.readString(p), "O_APPEND writes at the end");
        assertNotEquals(0, statusFlags(app) & FileSyscalls.O_APPEND, "F_GETFL reports O_APPEND");
    }

    @Test
    void syncFlagsAreKeptAsStatusFlags() throws Exception {
        Path p = Files.writeString(dir.resolve("s"), "x");
        int sync = openat(p, FileSyscalls.O_WRONLY | FileSyscalls.O_SYNC);
        assertTrue(sync >= 0, "O_SYNC: " + sync);
        assertEquals(FileSyscalls.O_SYNC, statusFlags(sync) & FileSyscalls.O_SYNC, "F_GETFL reports O_SYNC");
        Assumptions.assumeTrue(FileSyscalls.O_DSYNC != FileSyscalls.UNSUPPORTED, "no O_DSYNC on this system");
        int dsync = openat(p, FileSyscalls.O_WRONLY | FileSyscalls.O_DSYNC);
        assertTrue(dsync >= 0, "O_DSYNC: " + dsync);
        assertEquals(FileSyscalls.O_DSYNC, statusFlags(dsync) & FileSyscalls.O_DSYNC, "F_GETFL reports O_DSYNC");
        assertEquals(0, FileSyscalls.fsync(dsync, true), "fdatasync (F_FULLFSYNC on macOS)");
        assertEquals(0, FileSyscalls.fsync(dsync, false), "fsync (F_FULLFSYNC on macOS)");
    }

    @Test
    void noFollowRefusesASymbolicLink() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertTrue(openat(link, FileSyscalls.O_RDONLY) >= 0, "followed without O_NOFOLLOW");
        int r = openat(link, FileSyscalls.O_RDONLY | FileSyscalls.O_NOFOLLOW);
        // open(2): ELOOP on Linux and macOS; FreeBSD says EMLINK for O_NOFOLLOW on a link.
        String expected = OsPlatform.current() == OsPlatform.FREEBSD ? "EMLINK" : "ELOOP";
        assertEquals(-Errno.byName(expected), r, "O_NOFOLLOW");
        assertTrue(openat(target, FileSyscalls.O_RDONLY | FileSyscalls.O_NOCTTY) >= 0, "O_NOCTTY on a regular file");
    }

    @Test
    void directIoIsAStatusFlagWhereItExists() throws Exception {
        Assumptions.assumeTrue(FileSyscalls.O_DIRECT != FileSyscalls.UNSUPPORTED, "no O_DIRECT on this system");
        Path p = Files.writeString(dir.resolve("d"), "x");
        int fd = openat(p, FileSyscalls.O_RDONLY | FileSyscalls.O_DIRECT);
        Assumptions.assumeTrue(fd != -Errno.EINVAL, "this file system refuses O_DIRECT");
        assertTrue(fd >= 0, "O_DIRECT: " + fd);
        assertEquals(FileSyscalls.O_DIRECT, statusFlags(fd) & FileSyscalls.O_DIRECT, "F_GETFL reports O_DIRECT");
    }

    @Test
    void statDecodesWhatTheJdkReports() throws Exception {
        Path p = Files.write(dir.resolve("st"), new byte[12_345]);
        Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2026-03-04T05:06:07.123456789Z")));
        Path link = Files.createSymbolicLink(dir.resolve("st-link"), p);
        StatLayout layout = StatLayout.current();
        MemorySegment buf = arena.allocate(layout.byteSize(), 8);

        assertEquals(0, FileSyscalls.statPath(nativePath(link), false, buf), "stat through the link");
        assertFile(p, layout, buf);
        int fd = openat(p, FileSyscalls.O_RDONLY);
        buf.fill((byte) 0);
        assertEquals(0, FileSyscalls.statFd(fd, buf), "stat of a descriptor (AT_EMPTY_PATH / fstat)");
        assertFile(p, layout, buf);

        assertEquals(0, FileSyscalls.statPath(nativePath(link), true, buf), "AT_SYMLINK_NOFOLLOW");
        assertEquals(0120000, layout.mode(buf) & 0170000, "the link itself");
        assertEquals(Files.getAttribute(link, "unix:ino", LinkOption.NOFOLLOW_LINKS), layout.inode(buf));
        assertEquals(-Errno.ENOENT, FileSyscalls.statPath(nativePath(dir.resolve("missing")), false, buf));
    }

    private static void assertFile(Path p, StatLayout layout, MemorySegment buf) throws Exception {
        assertEquals(Files.size(p), layout.fileSize(buf), "size");
        assertEquals(Files.getAttribute(p, "unix:mode"), layout.mode(buf), "mode");
        assertEquals(Files.getAttribute(p, "unix:ino"), layout.inode(buf), "inode");
        FileTime mtime = FileTime.from(Instant.ofEpochSecond(layout.mtimeSeconds(buf), layout.mtimeNanos(buf)));
        assertEquals(Files.getLastModifiedTime(p), mtime, "mtime");
    }
}
