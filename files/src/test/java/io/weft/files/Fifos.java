package io.weft.files;

import java.io.IOException;
import java.nio.file.Path;

/** Named pipes for the tests: a read of one that nobody writes blocks, which is the point. */
final class Fifos {
    private Fifos() {}

    static Path make(Path p) throws IOException, InterruptedException {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        if (mk.waitFor() != 0) {
            throw new IOException("mkfifo " + p + " failed");
        }
        return p;
    }
}
