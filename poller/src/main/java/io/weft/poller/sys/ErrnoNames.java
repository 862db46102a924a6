package io.weft.poller.sys;

/**
 * Each platform's errno names in number order (index = errno), from its {@code errno.h}:
 * what {@link Errno} takes its numbers from, so that {@code r == -Errno.EAGAIN} compares
 * against this system's EAGAIN (11 on Linux, 35 on the BSDs). Holes are the number itself.
 * Aliases ({@code EWOULDBLOCK} for {@code EAGAIN}; {@code ENOTSUP} for {@code EOPNOTSUPP} on
 * Linux and FreeBSD) are not listed: the table has the primary name.
 */
final class ErrnoNames {
    /** Linux's generic values (x86_64 and aarch64), up to EHWPOISON; asm-generic/errno-base.h, errno.h. */
    private static final String[] LINUX = {
        "0", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
        "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV",
        "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE",
        "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY",
        "ELOOP", "41", "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH",
        "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", "58", "EBFONT",
        "ENOSTR", "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT",
        "ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC",
        "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ",
        "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL",
        "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS",
        "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL",
        "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED", "EKEYREJECTED",
        "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON",
    };

    /**
     * 1 to 81: the 4.4BSD numbering macOS and FreeBSD share (EAGAIN 35, EINPROGRESS 36, the
     * socket errors 38 to 61, ENOSYS 78). Both errno.h files agree on every one of them.
     */
    private static final String[] BSD_1_TO_81 = {
        "0", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
        "ECHILD", "EDEADLK", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV",
        "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE",
        "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EAGAIN", "EINPROGRESS", "EALREADY", "ENOTSOCK", "EDESTADDRREQ",
        "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "45", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL",
        "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS",
        "ETIMEDOUT", "ECONNREFUSED", "ELOOP", "ENAMETOOLONG", "EHOSTDOWN", "EHOSTUNREACH", "ENOTEMPTY", "EPROCLIM", "EUSERS", "EDQUOT",
        "ESTALE", "EREMOTE", "EBADRPC", "ERPCMISMATCH", "EPROGUNAVAIL", "EPROGMISMATCH", "EPROCUNAVAIL", "ENOLCK", "ENOSYS", "EFTYPE",
        "EAUTH", "ENEEDAUTH",
    };

    /**
     * XNU {@code bsd/sys/errno.h}, up to ELAST (EQFULL, 106). 45 is ENOTSUP; EOPNOTSUPP is
     * 102 for every 64-bit program (it is only an alias of ENOTSUP without __DARWIN_UNIX03).
     */
    private static final String[] MACOS = bsd("ENOTSUP",
            "EPWROFF", "EDEVERR", "EOVERFLOW", "EBADEXEC", "EBADARCH", "ESHLIBVERS", "EBADMACHO", "ECANCELED",
            "EIDRM", "ENOMSG", "EILSEQ", "ENOATTR", "EBADMSG", "EMULTIHOP", "ENODATA", "ENOLINK", "ENOSR", "ENOSTR",
            "EPROTO", "ETIME", "EOPNOTSUPP", "ENOPOLICY", "ENOTRECOVERABLE", "EOWNERDEAD", "EQFULL");

    /** FreeBSD {@code sys/sys/errno.h}, up to ELAST (EINTEGRITY, 97); 45 is EOPNOTSUPP (= ENOTSUP). No ETIME. */
    private static final String[] FREEBSD = bsd("EOPNOTSUPP",
            "EIDRM", "ENOMSG", "EOVERFLOW", "ECANCELED", "EILSEQ", "ENOATTR", "EDOOFUS", "EBADMSG",
            "EMULTIHOP", "ENOLINK", "EPROTO", "ENOTCAPABLE", "ECAPMODE", "ENOTRECOVERABLE", "EOWNERDEAD", "EINTEGRITY");

    private ErrnoNames() {}

    private static String[] bsd(String name45, String... from82) {
        String[] names = new String[BSD_1_TO_81.length + from82.length];
        System.arraycopy(BSD_1_TO_81, 0, names, 0, BSD_1_TO_81.length);
        System.arraycopy(from82, 0, names, BSD_1_TO_81.length, from82.length);
        names[45] = name45;
        return names;
    }

    /** {@code platform}'s names, index = errno. */
    static String[] of(OsPlatform platform) {
        return switch (platform) {
            case LINUX -> LINUX.clone();
            case MACOS -> MACOS.clone();
            case FREEBSD -> FREEBSD.clone();
        };
    }

    /** The number of {@code name} in {@code names}, or -1 when the platform has no such errno. */
    static int number(String[] names, String name) {
        for (int i = 1; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
