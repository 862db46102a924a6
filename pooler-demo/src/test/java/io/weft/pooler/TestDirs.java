package io.weft.pooler;

import io.weft.pooler.pg.DirectoryTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Temporary directories for the pooler's tests, all under one directory per test JVM that is
 * deleted when the JVM exits. Many fixtures hand their files to a pooler or a server that
 * outlives the method that wrote them, so no test method can delete them itself; without this a
 * {@code ./weft test} left about two hundred directories in the temporary directory.
 */
public final class TestDirs {
    private static Path root;

    private TestDirs() {}

    /** A new, empty directory whose name starts with {@code prefix}. */
    public static synchronized Path create(String prefix) throws IOException {
        if (root == null) {
            Path r = Files.createTempDirectory("weft-pooler-tests-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    DirectoryTree.delete(r);
                } catch (IOException e) {
                    System.err.println("could not delete the tests' temporary directory " + r + ": " + e);
                }
            }, "weft-test-dirs"));
            root = r;
        }
        return Files.createTempDirectory(root, prefix);
    }
}
