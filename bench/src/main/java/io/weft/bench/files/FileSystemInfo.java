package io.weft.bench.files;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** The file system the benchmark's file is on, as the report names it ("ext4 on /dev/vda"). */
final class FileSystemInfo {
    private FileSystemInfo() {}

    static String describe(Path dir) {
        try {
            Path existing = dir.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) existing = existing.getParent();
            if (existing == null) return "?";
            FileStore store = Files.getFileStore(existing);
            return store.type() + " on " + store.name();
        } catch (IOException | RuntimeException e) {
            return "? (" + e.getMessage() + ")";
        }
    }
}
