package io.weft.poller.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.LeakCheck;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Errno names line up with their numbers, so that messages say the right name. */
@ExtendWith(LeakCheck.class)
class ErrnoTest {

    @Test
    void everyConstantHasItsOwnName() throws Exception {
        int checked = 0;
        for (Field f : Errno.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                int value = f.getInt(null);
                if (value == Errno.ABSENT) {
                    continue; // this system has no such errno (FreeBSD: ETIME)
                }
                assertEquals(f.getName(), Errno.name(value), "Errno.name(" + value + ")");
                assertEquals(value, Errno.byName(f.getName()), "Errno.byName(" + f.getName() + ")");
                checked++;
            }
        }
        assertTrue(checked > 20, "only " + checked + " constants");
    }

    @Test
    void namesMatchTheCLibrary() {
        assertEquals("EPERM (Operation not permitted)", Errno.describe(Errno.EPERM));
        assertEquals("ECANCELED (Operation canceled)", Errno.describe(Errno.ECANCELED));
        assertEquals("ENOBUFS (No buffer space available)", Errno.describe(Errno.ENOBUFS));
        assertEquals("9999", Errno.name(9999));
        assertThrows(IllegalArgumentException.class, () -> Errno.byName("ENOTATHING"));
    }

    @Test
    void errnoExceptionNamesTheCallAndTheErrno() {
        ErrnoException e = new ErrnoException("io_uring_setup", Errno.EPERM, "see kernel.io_uring_disabled");
        assertEquals("io_uring_setup: EPERM (Operation not permitted); see kernel.io_uring_disabled", e.getMessage());
        assertEquals(Errno.EPERM, e.errno());
        assertEquals("io_uring_setup", e.call());
        ErrnoException c = assertThrows(ErrnoException.class, () -> ErrnoException.check("close", -Errno.EBADF));
        assertEquals(Errno.EBADF, c.errno());
        assertEquals(7L, assertDoesNotThrowLong(() -> ErrnoException.check("read", 7L)));
    }

    private interface LongCall {
        long call() throws ErrnoException;
    }

    private static long assertDoesNotThrowLong(LongCall c) {
        try {
            return c.call();
        } catch (ErrnoException e) {
            throw new AssertionError(e);
        }
    }
}
