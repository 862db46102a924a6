package io.weft.files;

import io.weft.poller.sys.OsPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A path that opens the file a descriptor of this process has open, even after the file was
 * renamed or unlinked: what {@link WeftFileChannel#map} hands the JDK's {@code FileChannel}.
 * <ul>
 *   <li>Linux: {@code /proc/self/fd/N} (procfs, always there).</li>
 *   <li>macOS and FreeBSD: {@code /dev/fd/N}, whose open duplicates descriptor N (macOS's devfs
 *       has every descriptor there; FreeBSD only 0 to 2 unless {@code fdescfs} is mounted on
 *       {@code /dev/fd}, which its OpenJDK package asks for anyway).</li>
 * </ul>
 */
final class DescriptorPath {
    private DescriptorPath() {}

    /** The path of descriptor {@code fd}; an IOException saying what to mount when the system has none. */
    static Path of(int fd) throws IOException {
        if (OsPlatform.current() == OsPlatform.LINUX) {
            return Path.of("/proc/self/fd/" + fd);
        }
        Path p = Path.of("/dev/fd/" + fd);
        if (OsPlatform.current() == OsPlatform.FREEBSD && !Files.exists(p)) {
            throw new IOException("cannot map: " + p + " does not exist; map() needs fdescfs mounted on /dev/fd"
                    + " (mount -t fdescfs fdesc /dev/fd)");
        }
        return p;
    }
}
