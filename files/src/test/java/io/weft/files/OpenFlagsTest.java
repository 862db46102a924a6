package io.weft.files;

import static io.weft.poller.sys.FileSyscalls.O_APPEND;
import static io.weft.poller.sys.FileSyscalls.O_CLOEXEC;
import static io.weft.poller.sys.FileSyscalls.O_CREAT;
import static io.weft.poller.sys.FileSyscalls.O_DSYNC;
import static io.weft.poller.sys.FileSyscalls.O_EXCL;
import static io.weft.poller.sys.FileSyscalls.O_NOFOLLOW;
import static io.weft.poller.sys.FileSyscalls.O_RDONLY;
import static io.weft.poller.sys.FileSyscalls.O_RDWR;
import static io.weft.poller.sys.FileSyscalls.O_SYNC;
import static io.weft.poller.sys.FileSyscalls.O_TRUNC;
import static io.weft.poller.sys.FileSyscalls.O_WRONLY;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DSYNC;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.SPARSE;
import static java.nio.file.StandardOpenOption.SYNC;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.poller.sys.FileSyscalls;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Options to this system's {@code open(2)} flags by the JDK's rules, and the refusal of an option
 * the system lacks. The flag values themselves are checked against the headers and the kernel in
 * the poller ({@code FileConstantsTest}, {@code LiveFileConstantsTest}).
 */
class OpenFlagsTest {
    private static int flags(OpenOption... options) {
        return OpenFlags.of(Set.of(options)).flags();
    }

    @Test
    void optionsBecomeThisSystemsFlags() {
        assertEquals(O_RDONLY | O_CLOEXEC, flags(), "read is the default");
        assertEquals(O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, flags(READ, WRITE, CREATE, TRUNCATE_EXISTING));
        assertEquals(O_WRONLY | O_APPEND | O_CLOEXEC, flags(APPEND), "APPEND implies WRITE");
        assertEquals(O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, flags(WRITE, CREATE_NEW, CREATE, LinkOption.NOFOLLOW_LINKS),
                "CREATE_NEW wins over CREATE and never follows a link by itself (no O_NOFOLLOW)");
        assertEquals(O_RDONLY | O_NOFOLLOW | O_CLOEXEC, flags(READ, LinkOption.NOFOLLOW_LINKS));
        assertEquals(O_RDONLY | O_CLOEXEC, flags(READ, CREATE, TRUNCATE_EXISTING, SPARSE), "write-only options without WRITE");
        assertEquals(O_WRONLY | O_SYNC | O_CLOEXEC, flags(WRITE, SYNC));
    }

    @Test
    void dsyncWhereTheSystemHasIt() {
        Assumptions.assumeTrue(O_DSYNC != FileSyscalls.UNSUPPORTED, "no O_DSYNC on " + OpenFlags.systemName());
        assertEquals(O_WRONLY | O_DSYNC | O_CLOEXEC, flags(WRITE, DSYNC));
    }

    @Test
    void dsyncIsRefusedWhereTheSystemLacksIt() {
        Assumptions.assumeTrue(O_DSYNC == FileSyscalls.UNSUPPORTED, OpenFlags.systemName() + " has O_DSYNC");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> flags(WRITE, DSYNC));
        assertEquals("DSYNC is not supported on " + OpenFlags.systemName() + ": O_DSYNC first appeared in FreeBSD 13;"
                + " SYNC (O_SYNC) is the stronger option there", e.getMessage());
    }

    @Test
    void aFlagTheSystemLacksIsRefusedNamingTheOptionAndTheSystem() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> OpenFlags.available(FileSyscalls.UNSUPPORTED, "SOME_OPTION", "why not"));
        assertEquals("SOME_OPTION is not supported on " + OpenFlags.systemName() + ": why not", e.getMessage());
        assertEquals(O_APPEND, OpenFlags.available(O_APPEND, "APPEND", "never refused"));
    }
}
