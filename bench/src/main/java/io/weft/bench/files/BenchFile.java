package io.weft.bench.files;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file the benchmark reads: {@code blocks} blocks of {@link FilesBenchOptions#BLOCK} bytes,
 * each starting with its own index as a long, so that every read can check it got the block
 * it asked for. Made fresh for each run and deleted by {@link #close()}.
 */
final class BenchFile implements AutoCloseable {
    private final Path path;
    private final long blocks;

    private BenchFile(Path path, long blocks) {
        this.path = path;
        this.blocks = blocks;
    }

    /** Writes the file in {@code dir} and syncs it to the device (so cold reads find it there). */
    static BenchFile create(Path dir, long bytes) throws IOException {
        Files.createDirectories(dir);
        Path path = Files.createTempFile(dir, "weft-bench-files-", ".dat");
        long blocks = bytes / FilesBenchOptions.BLOCK;
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        int perChunk = chunk.capacity() / FilesBenchOptions.BLOCK;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            for (long b = 0; b < blocks; ) {
                chunk.clear();
                int n = (int) Math.min(perChunk, blocks - b);
                for (int i = 0; i < n; i++) {
                    int at = i * FilesBenchOptions.BLOCK;
                    chunk.putLong(at, b + i);
                    // the rest of the block: not zeros, so no file system can make it sparse
                    for (int j = 8; j < FilesBenchOptions.BLOCK; j += 8) chunk.putLong(at + j, (b + i) * 31 + j);
                }
                chunk.limit(n * FilesBenchOptions.BLOCK);
                while (chunk.hasRemaining()) ch.write(chunk);
                b += n;
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
        return new BenchFile(path, blocks);
    }

    Path path() {
        return path;
    }

    long blocks() {
        return blocks;
    }

    /**
     * Null if the file system takes O_DIRECT reads of this file, else why not (tmpfs refuses the
     * open with EINVAL, some file systems refuse the read).
     */
    String directIoRefused() {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            ByteBuffer block = alignedBlock();
            int n = ch.read(block, 0);
            if (n != FilesBenchOptions.BLOCK || block.getLong(0) != 0) {
                return "an O_DIRECT read of block 0 returned " + n + " bytes, not the block";
            }
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return "O_DIRECT refused on " + path.getParent() + ": " + e;
        }
    }

    /** Reads the whole file once, so that its pages are in the page cache for the hot rows. */
    void warmPageCache() throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            while (ch.read(chunk.clear()) > 0) {
                // only the page cache's side effect is wanted
            }
        }
    }

    /**
     * A direct buffer of one block at a block-aligned address, as O_DIRECT needs. Its capacity is
     * exactly one block (the aligned slice of two blocks may hold both), so {@code clear()} keeps
     * every read at one block.
     */
    static ByteBuffer alignedBlock() {
        return ByteBuffer.allocateDirect(2 * FilesBenchOptions.BLOCK).alignedSlice(FilesBenchOptions.BLOCK)
                .slice(0, FilesBenchOptions.BLOCK);
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(path);
    }
}
