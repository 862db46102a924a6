package io.weft.pooler.pg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Deletes a directory and everything under it: the throwaway PostgreSQL's data, the demo's and
 * the benchmark's configuration directories, the tests' temporary files. One implementation so
 * that all of them survive the same race: a server that is still writing its last files while
 * the tree is walked.
 */
public final class DirectoryTree {
    private static final int ATTEMPTS = 3;

    private DirectoryTree() {}

    /**
     * Deletes {@code root} and its contents; nothing if it does not exist. A walk that loses a
     * file to a concurrent writer is repeated (three times, 50 ms apart).
     *
     * @throws IOException the first failure of the last attempt, if {@code root} is still there
     */
    public static void delete(Path root) throws IOException {
        IOException first = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (!Files.exists(root)) {
                return;
            }
            first = null;
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        if (first == null) first = e;
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // a file vanished or appeared during the walk: walk again
                first = e instanceof IOException io ? io : ((UncheckedIOException) e).getCause();
            }
            if (!Files.exists(root)) {
                return;
            }
            PgTools.sleep(50);
        }
        throw first != null ? first : new IOException(root + " still exists");
    }
}
