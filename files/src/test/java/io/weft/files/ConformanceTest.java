package io.weft.files;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.LeakCheck;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every operation of {@link WeftFileChannel} next to the JDK's own {@link FileChannel} on the
 * same files, from each kind of thread ({@link Where}: the ring, the pool from an epoll or a
 * kqueue carrier and from a JDK virtual thread, a platform thread): the same bytes, sizes,
 * positions, end of file, and the same exception types and messages as the JDK on this system.
 */
@ExtendWith(LeakCheck.class)
class ConformanceTest {
    @TempDir
    Path dir;

    private static final Random RANDOM = new Random(7);

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    @AfterAll
    static void closeSchedulers() {
        Where.closeSchedulers();
    }

    @AfterEach
    void noDescriptorLeft() throws InterruptedException {
        OpenFiles.assertNoneLeftUnder(dir);
    }

    /** The outcome of {@code body} in words: its value, or its exception's class and message. */
    private static String outcome(Callable<?> body) {
        try {
            Object v = body.call();
            return "returned " + (v instanceof byte[] b ? Arrays.toString(b) : v);
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static String jdkOpen(Path p, OpenOption... options) {
        return outcome(() -> {
            try (FileChannel ch = FileChannel.open(p, options)) {
                return "open";
            }
        });
    }

    private static String weftOpen(Where where, Path p, OpenOption... options) throws Exception {
        return where.call(() -> outcome(() -> {
            try (FileChannel ch = WeftFiles.open(p, options)) {
                return "open";
            }
        }));
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void readsTheSameBytesAsTheJdk(Where where) throws Exception {
        byte[] data = random(3 * 1024 * 1024 + 123); // larger than one bounce buffer
        Path p = Files.write(dir.resolve("data"), data);
        byte[] heap = where.call(() -> {
            try (WeftFileChannel ch = WeftFiles.open(p, READ)) {
                ByteBuffer b = ByteBuffer.allocate(data.length + 10);
                while (ch.read(b) >= 0) { }
                assertEquals(-1, ch.read(ByteBuffer.allocate(1)), "at end of file");
                assertEquals(0, ch.read(ByteBuffer.allocate(0)), "no room: 0, not -1");
                assertEquals(data.length, ch.position());
                return Arrays.copyOf(b.array(), b.position());
            }
        });
        assertArrayEquals(data, heap);
        byte[] direct = where.call(() -> {
            try (WeftFileChannel ch = WeftFiles.open(p)) {
                ByteBuffer b = ByteBuffer.allocateDirect(data.length);
                while (b.hasRemaining() && ch.read(b) >= 0) { }
                byte[] out = new byte[b.flip().remaining()];
                b.get(out);
                return out;
            }
        });
        assertArrayEquals(data, direct);
        try (FileChannel jdk = FileChannel.open(p)) {
            jdk.position(data.length);
            assertEquals(-1, jdk.read(ByteBuffer.allocate(1)), "the JDK agrees on end of file");
        }
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void positionalOperationsDoNotMoveThePosition(Where where) throws Exception {
        byte[] data = random(10_000);
        Path p = Files.write(dir.resolve("pos"), data);
        where.run(() -> {
            try (WeftFileChannel ch = WeftFiles.open(p, READ, WRITE)) {
                ch.position(100);
                ByteBuffer b = ByteBuffer.allocate(50);
                assertEquals(50, ch.read(b, 5000));
                assertArrayEquals(Arrays.copyOfRange(data, 5000, 5050), b.array());
                assertEquals(100, ch.position());
                assertEquals(3, ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 20_000));
                assertEquals(100, ch.position());
                assertEquals(20_003, ch.size());
                assertEquals(-1, ch.read(ByteBuffer.allocate(4), 30_000), "positional read past the end");
                ByteBuffer seq = ByteBuffer.allocate(10);
                assertEquals(10, ch.read(seq));
                assertArrayEquals(Arrays.copyOfRange(data, 100, 110), seq.array());
                assertEquals(110, ch.position());
            }
        });
        // the same with the JDK's channel on a copy
        Path q = Files.write(dir.resolve("pos-jdk"), data);
        try (FileChannel ch = FileChannel.open(q, READ, WRITE)) {
            ch.position(100);
            ch.read(ByteBuffer.allocate(50), 5000);
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 20_000);
            assertEquals(100, ch.position());
        }
        assertArrayEquals(Files.readAllBytes(q), Files.readAllBytes(p));
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void writesAppendsAndTruncatesAsTheJdk(Where where) throws Exception {
        byte[] first = random(40_000);
        byte[] second = random(70_000);
        Path weft = dir.resolve("weft");
        Path jdk = dir.resolve("jdk");
        String weftLog = where.call(() -> script(weft, true, first, second));
        String jdkLog = script(jdk, false, first, second);
        assertEquals(jdkLog, weftLog);
        assertArrayEquals(Files.readAllBytes(jdk), Files.readAllBytes(weft));
    }

    /** Writes, appends, truncates and reports sizes and positions after each step. */
    private static String script(Path p, boolean weft, byte[] first, byte[] second) throws Exception {
        StringBuilder log = new StringBuilder();
        try (FileChannel ch = open(weft, p, CREATE_NEW, WRITE)) {
            log.append("write ").append(ch.write(ByteBuffer.wrap(first)));
            log.append(" pos ").append(ch.position()).append(" size ").append(ch.size());
            ByteBuffer direct = ByteBuffer.allocateDirect(second.length).put(second).flip();
            log.append(" write-direct ").append(ch.write(direct));
            ch.force(true);
            ch.force(false);
            log.append(" truncate ").append(ch.truncate(50_000).size()).append(" pos ").append(ch.position());
            log.append(" truncate-larger ").append(ch.truncate(90_000).size());
            log.append(" position ").append(ch.position(60_000).position());
            log.append(" write ").append(ch.write(ByteBuffer.wrap(first, 0, 10))).append(" size ").append(ch.size());
        }
        try (FileChannel ch = open(weft, p, APPEND)) {
            log.append(" | append pos ").append(ch.position());
            log.append(" write ").append(ch.write(ByteBuffer.wrap(second, 0, 1000)));
            log.append(" pos ").append(ch.position()).append(" size ").append(ch.size());
            ch.force(false);
        }
        try (FileChannel ch = open(weft, p, WRITE, TRUNCATE_EXISTING)) {
            log.append(" | truncated size ").append(ch.size());
            ch.write(ByteBuffer.wrap(first, 0, 777));
        }
        log.append(" | read-only write: ").append(outcome(() -> {
            try (FileChannel ch = open(weft, p, READ)) {
                return ch.write(ByteBuffer.allocate(1));
            }
        }));
        log.append(" | write-only read: ").append(outcome(() -> {
            try (FileChannel ch = open(weft, p, WRITE)) {
                return ch.read(ByteBuffer.allocate(1));
            }
        }));
        log.append(" | read-only truncate: ").append(outcome(() -> {
            try (FileChannel ch = open(weft, p, READ)) {
                return ch.truncate(0);
            }
        }));
        log.append(" | bad arguments: ").append(outcome(() -> {
            try (FileChannel ch = open(weft, p, READ)) {
                return ch.read(ByteBuffer.allocate(1), -1);
            }
        })).append(" / ").append(outcome(() -> {
            try (FileChannel ch = open(weft, p, READ, WRITE)) {
                return ch.truncate(-1);
            }
        })).append(" / ").append(outcome(() -> {
            try (FileChannel ch = open(weft, p, READ)) {
                return ch.read(ByteBuffer.allocate(1).asReadOnlyBuffer());
            }
        }));
        return log.toString();
    }

    private static FileChannel open(boolean weft, Path p, OpenOption... options) throws Exception {
        return weft ? WeftFiles.open(p, options) : FileChannel.open(p, options);
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void openFailsAsTheJdk(Where where) throws Exception {
        Path file = Files.write(dir.resolve("exists"), new byte[] {1});
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        Path[] paths = {dir.resolve("missing"), file, sub, file.resolve("child"), dir.resolve("missing/child"), link};
        OpenOption[][] optionSets = {
            {READ}, {WRITE}, {CREATE, WRITE}, {CREATE_NEW, WRITE}, {APPEND}, {READ, APPEND},
            {APPEND, TRUNCATE_EXISTING}, {READ, LinkOption.NOFOLLOW_LINKS}, {WRITE, TRUNCATE_EXISTING},
        };
        for (Path p : paths) {
            for (OpenOption[] options : optionSets) {
                // CREATE_NEW on a missing file would create it: each side gets its own then
                boolean creates = p.getFileName().toString().equals("missing")
                        && Arrays.asList(options).stream().anyMatch(o -> o == CREATE || o == CREATE_NEW);
                String jdk = jdkOpen(p, options);
                if (creates) Files.deleteIfExists(p);
                String weft = weftOpen(where, p, options);
                if (creates) Files.deleteIfExists(p);
                assertEquals(jdk, weft, "open " + p + " " + Arrays.toString(options));
            }
        }
        assertEquals(jdkOpen(dir.resolve("."), CREATE_NEW, WRITE), weftOpen(where, dir.resolve("."), CREATE_NEW, WRITE));
        assertThrows(UnsupportedOperationException.class,
                () -> WeftFiles.open(file, READ, java.nio.file.StandardOpenOption.DELETE_ON_CLOSE));
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void readingADirectoryFailsAsTheJdk(Where where) throws Exception {
        Path sub = Files.createDirectory(dir.resolve("d"));
        String jdk = outcome(() -> {
            try (FileChannel ch = FileChannel.open(sub)) {
                return ch.read(ByteBuffer.allocate(10));
            }
        });
        String weft = where.call(() -> outcome(() -> {
            try (FileChannel ch = WeftFiles.open(sub)) {
                return ch.read(ByteBuffer.allocate(10));
            }
        }));
        assertEquals(jdk, weft);
        assertTrue(weft.contains("Is a directory"), weft);
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void aClosedChannelSaysSo(Where where) throws Exception {
        Path p = Files.write(dir.resolve("c"), new byte[100]);
        where.run(() -> {
            WeftFileChannel ch = WeftFiles.open(p, READ, WRITE);
            ch.close();
            ch.close(); // idempotent
            assertFalse(ch.isOpen());
            assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, () -> ch.write(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, ch::size);
            assertThrows(ClosedChannelException.class, ch::position);
            assertThrows(ClosedChannelException.class, () -> ch.force(true));
            assertThrows(NonWritableChannelException.class, () -> {
                try (WeftFileChannel ro = WeftFiles.open(p, READ)) {
                    ro.write(ByteBuffer.allocate(1));
                }
            });
            assertThrows(NonReadableChannelException.class, () -> {
                try (WeftFileChannel wo = WeftFiles.open(p, WRITE)) {
                    wo.read(ByteBuffer.allocate(1));
                }
            });
        });
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void statMatchesTheJdk(Where where) throws Exception {
        Path p = Files.write(dir.resolve("s"), random(12_345));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createSymbolicLink(dir.resolve("s-link"), p);
        FileStat byPath = where.call(() -> WeftFiles.stat(p));
        FileStat byChannel = where.call(() -> {
            try (WeftFileChannel ch = WeftFiles.open(p)) {
                return ch.stat();
            }
        });
        FileStat ofLink = where.call(() -> WeftFiles.stat(link, LinkOption.NOFOLLOW_LINKS));
        int mode = (Integer) Files.getAttribute(p, "unix:mode");
        for (FileStat s : new FileStat[] {byPath, byChannel}) {
            assertEquals(Files.size(p), s.size());
            assertEquals(mode, s.mode());
            assertEquals(Files.getLastModifiedTime(p), s.lastModified());
            assertEquals(Files.getAttribute(p, "unix:ino"), s.inode());
            assertTrue(s.isRegularFile());
            assertEquals(0640, s.permissions());
        }
        assertEquals(Files.getAttribute(link, "unix:mode", LinkOption.NOFOLLOW_LINKS), ofLink.mode());
        assertTrue(where.call(() -> WeftFiles.stat(dir)).isDirectory());
        String jdk = outcome(() -> Files.readAttributes(dir.resolve("nope"), "unix:mode"));
        String weft = where.call(() -> outcome(() -> WeftFiles.stat(dir.resolve("nope"))));
        assertEquals(jdk.replaceFirst(":.*?:", ":"), weft.replaceFirst(":.*?:", ":"));
        assertTrue(weft.startsWith("java.nio.file.NoSuchFileException"), weft);
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void streamsReadAndWriteTheSameBytes(Where where) throws Exception {
        byte[] data = random(2 * 1024 * 1024 + 5);
        Path p = dir.resolve("stream");
        where.run(() -> {
            try (OutputStream out = WeftFiles.newOutputStream(p)) {
                out.write(data, 0, 1000);
                out.write(data, 1000, data.length - 1000);
            }
            try (OutputStream out = WeftFiles.newOutputStream(p, APPEND)) {
                out.write(42);
            }
            try (InputStream in = WeftFiles.newInputStream(p)) {
                byte[] back = in.readAllBytes();
                assertEquals(data.length + 1, back.length);
                assertArrayEquals(data, Arrays.copyOf(back, data.length));
                assertEquals(42, back[data.length]);
                assertEquals(-1, in.read());
            }
        });
        assertEquals(data.length + 1, Files.size(p));
        assertThrows(UnsupportedOperationException.class, () -> WeftFiles.newInputStream(p, WRITE));
        assertThrows(IllegalArgumentException.class, () -> WeftFiles.newOutputStream(p, READ));
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void transfersAndMapping(Where where) throws Exception {
        byte[] data = random(200_000);
        Path src = Files.write(dir.resolve("src"), data);
        Path dst = dir.resolve("dst");
        where.run(() -> {
            try (WeftFileChannel in = WeftFiles.open(src); WeftFileChannel out = WeftFiles.open(dst, CREATE, WRITE, READ)) {
                assertEquals(data.length - 10, in.transferTo(10, data.length, out));
                assertEquals(0, in.position(), "transferTo does not move the source");
                try (WeftFileChannel again = WeftFiles.open(src)) {
                    assertEquals(5, out.transferFrom(again, 0, 5));
                }
                java.nio.MappedByteBuffer map = in.map(FileChannel.MapMode.READ_ONLY, 0, data.length);
                byte[] mapped = new byte[data.length];
                map.get(mapped);
                assertArrayEquals(data, mapped);
                assertThrows(UnsupportedOperationException.class, in::tryLock);
            }
        });
        byte[] expected = Arrays.copyOfRange(data, 10, data.length);
        System.arraycopy(data, 0, expected, 0, 5);
        assertArrayEquals(expected, Files.readAllBytes(dst));
    }
}
