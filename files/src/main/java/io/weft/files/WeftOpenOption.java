package io.weft.files;

import java.nio.file.OpenOption;

/** Open options beyond the JDK's {@link java.nio.file.StandardOpenOption}. */
public enum WeftOpenOption implements OpenOption {
    /**
     * {@code O_DIRECT}: bypass the page cache. As with the JDK's
     * {@code com.sun.nio.file.ExtendedOpenOption.DIRECT}, positions, lengths and buffer
     * addresses should be multiples of the file system's block size; Weft does not check, so a
     * misaligned transfer fails with the kernel's {@code EINVAL} ("Invalid argument"). Heap and
     * misaligned buffers go through a page-aligned bounce buffer. Linux and FreeBSD; macOS has no
     * {@code O_DIRECT}, and opening with this option there throws
     * {@link UnsupportedOperationException}.
     */
    DIRECT
}
