package io.weft.files;

import io.weft.poller.sys.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.Charset;
import java.nio.file.Path;

/**
 * A path as the NUL-terminated native string {@code openat} and {@code statx} take, in the
 * encoding the JDK uses for file names ({@code sun.jnu.encoding}). Allocated through
 * {@link NativeMemory} and freed by {@link #free} once the call (or io_uring operation) that
 * reads it has completed.
 */
final class NativePath {
    private static final Charset ENCODING = encoding();

    private NativePath() {}

    private static Charset encoding() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name != null ? Charset.forName(name) : Charset.defaultCharset();
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    static MemorySegment of(Path path) {
        return of(path.toString());
    }

    static MemorySegment of(String path) {
        byte[] bytes = path.getBytes(ENCODING);
        MemorySegment s = NativeMemory.allocate(bytes.length + 1L); // zeroed: the NUL is there
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return s;
    }

    static void free(MemorySegment s) {
        NativeMemory.free(s);
    }
}
