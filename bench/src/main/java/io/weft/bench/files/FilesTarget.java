package io.weft.bench.files;

/**
 * What reads the file in one row of {@code ./weft bench files}: which channel, on which kind
 * of thread. {@link #BASELINE} is the row every ratio is relative to.
 */
enum FilesTarget {
    /** WeftFiles on Weft virtual threads whose carriers drive io_uring: every read an IORING_OP_READ. */
    WEFT_RING("weft-ring", "Weft io_uring (WeftFiles, ring)"),
    /** The JDK's FileChannel on the JDK's default virtual threads (Blocker compensation adds carriers). */
    JDK_VIRTUAL("jdk-virtual", "JDK FileChannel, JDK virtual threads"),
    /** The JDK's FileChannel on one platform thread per reader. */
    PLATFORM("platform", "JDK FileChannel, platform threads"),
    /** WeftFiles on Weft virtual threads on epoll carriers: every read on the blocking pool. */
    WEFT_EPOLL("weft-epoll", "Weft epoll (WeftFiles, blocking pool)");

    static final FilesTarget BASELINE = JDK_VIRTUAL;

    final String key;
    final String label;

    FilesTarget(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** Whether the reads go through {@code WeftFiles} (else the JDK's {@code FileChannel.open}). */
    boolean weftFiles() {
        return this == WEFT_RING || this == WEFT_EPOLL;
    }

    static FilesTarget ofKey(String key) {
        for (FilesTarget t : values()) {
            if (t.key.equals(key)) return t;
        }
        throw new IllegalArgumentException("unknown target '" + key + "' (known: weft-ring, jdk-virtual, platform, weft-epoll)");
    }
}
