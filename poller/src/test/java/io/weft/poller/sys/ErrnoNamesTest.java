package io.weft.poller.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Each platform's errno numbers, for every constant {@link Errno} has, against the platform's
 * errno.h: Linux's asm-generic/errno-base.h and errno.h, XNU's bsd/sys/errno.h (xnu-11417),
 * FreeBSD's sys/sys/errno.h (FreeBSD 14). Pure Java: every column is checked on any machine.
 */
class ErrnoNamesTest {
    /** {Linux, macOS, FreeBSD}; -1: the platform has no such errno. */
    private static final Map<String, int[]> EXPECTED = Map.ofEntries(
            Map.entry("EPERM", new int[] {1, 1, 1}),
            Map.entry("ENOENT", new int[] {2, 2, 2}),
            Map.entry("EINTR", new int[] {4, 4, 4}),
            Map.entry("EIO", new int[] {5, 5, 5}),
            Map.entry("EBADF", new int[] {9, 9, 9}),
            Map.entry("EAGAIN", new int[] {11, 35, 35}),
            Map.entry("ENOMEM", new int[] {12, 12, 12}),
            Map.entry("EACCES", new int[] {13, 13, 13}),
            Map.entry("EFAULT", new int[] {14, 14, 14}),
            Map.entry("EBUSY", new int[] {16, 16, 16}),
            Map.entry("EEXIST", new int[] {17, 17, 17}),
            Map.entry("EINVAL", new int[] {22, 22, 22}),
            Map.entry("EMFILE", new int[] {24, 24, 24}),
            Map.entry("ENOSPC", new int[] {28, 28, 28}),
            Map.entry("EPIPE", new int[] {32, 32, 32}),
            Map.entry("ENOSYS", new int[] {38, 78, 78}),
            Map.entry("ETIME", new int[] {62, 101, -1}),
            Map.entry("ENOTSOCK", new int[] {88, 38, 38}),
            Map.entry("EOPNOTSUPP", new int[] {95, 102, 45}),
            Map.entry("EAFNOSUPPORT", new int[] {97, 47, 47}),
            Map.entry("EADDRINUSE", new int[] {98, 48, 48}),
            Map.entry("ENETUNREACH", new int[] {101, 51, 51}),
            Map.entry("ECONNABORTED", new int[] {103, 53, 53}),
            Map.entry("ECONNRESET", new int[] {104, 54, 54}),
            Map.entry("ENOBUFS", new int[] {105, 55, 55}),
            Map.entry("EISCONN", new int[] {106, 56, 56}),
            Map.entry("ENOTCONN", new int[] {107, 57, 57}),
            Map.entry("ETIMEDOUT", new int[] {110, 60, 60}),
            Map.entry("ECONNREFUSED", new int[] {111, 61, 61}),
            Map.entry("EHOSTUNREACH", new int[] {113, 65, 65}),
            Map.entry("EALREADY", new int[] {114, 37, 37}),
            Map.entry("EINPROGRESS", new int[] {115, 36, 36}),
            Map.entry("ECANCELED", new int[] {125, 89, 85}));

    @Test
    void everyErrnoConstantHasItsHeaderValueOnEveryPlatform() {
        OsPlatform[] platforms = {OsPlatform.LINUX, OsPlatform.MACOS, OsPlatform.FREEBSD};
        for (int i = 0; i < platforms.length; i++) {
            String[] names = ErrnoNames.of(platforms[i]);
            for (Map.Entry<String, int[]> e : EXPECTED.entrySet()) {
                assertEquals(e.getValue()[i], ErrnoNames.number(names, e.getKey()), platforms[i] + " " + e.getKey());
            }
        }
    }

    @Test
    void theTestCoversEveryConstant() {
        TreeSet<String> constants = new TreeSet<>();
        for (Field f : Errno.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                constants.add(f.getName());
            }
        }
        assertEquals(new TreeSet<>(EXPECTED.keySet()), constants, "a new Errno constant needs its three header values here");
    }

    @Test
    void eachTableEndsAtItsElast() {
        String[] linux = ErrnoNames.of(OsPlatform.LINUX);
        assertEquals(134, linux.length);
        assertEquals("EHWPOISON", linux[133]);
        String[] macos = ErrnoNames.of(OsPlatform.MACOS);
        assertEquals(107, macos.length, "ELAST 106");
        assertEquals("EQFULL", macos[106]);
        assertEquals("ENOTSUP", macos[45]);
        assertEquals("EBADEXEC", macos[85]);
        assertEquals("ENOATTR", macos[93]);
        assertEquals("EOWNERDEAD", macos[105]);
        String[] freebsd = ErrnoNames.of(OsPlatform.FREEBSD);
        assertEquals(98, freebsd.length, "ELAST 97");
        assertEquals("EINTEGRITY", freebsd[97]);
        assertEquals("EIDRM", freebsd[82]);
        assertEquals("EDOOFUS", freebsd[88]);
        assertEquals("ECAPMODE", freebsd[94]);
        for (String[] names : new String[][] {macos, freebsd}) {
            assertEquals("EDEADLK", names[11], "11 was EAGAIN in V7; the BSDs moved it to 35");
            assertEquals("ENEEDAUTH", names[81], "the last number the BSDs share");
        }
    }

    @Test
    void theRunningSystemsNumbersArePublished() {
        String[] here = ErrnoNames.of(OsPlatform.current());
        assertEquals(ErrnoNames.number(here, "EAGAIN"), Errno.EAGAIN);
        assertEquals(ErrnoNames.number(here, "EINPROGRESS"), Errno.EINPROGRESS);
        assertEquals(ErrnoNames.number(here, "ECANCELED"), Errno.ECANCELED);
        assertTrue(Errno.ETIME == Errno.ABSENT || Errno.name(Errno.ETIME).equals("ETIME"));
    }
}
