package io.weft.pooler.auth;

import java.text.Normalizer;

/**
 * SASLprep (RFC 4013) of a password before SCRAM hashes it, the way PostgreSQL applies it:
 * a password that SASLprep rejects is used unchanged rather than refused, so any password works
 * and both sides of an exchange derive the same keys.
 *
 * <p>What is done:
 * <ul>
 *   <li>a pure ASCII password is used as it is (PostgreSQL does the same);
 *   <li>otherwise non-ASCII spaces (RFC 3454 table C.1.2) become U+0020 and the characters
 *       "commonly mapped to nothing" (table B.1) are removed, then the result is normalised
 *       with NFKC;
 *   <li>if the result contains a prohibited character (tables C.1.2, C.2.1, C.2.2, C.3 to C.9)
 *       or a code point the JDK does not know, breaks the bidirectional rule (RFC 3454 section
 *       6, using the JDK's bidi classes), or is empty, the original password is used instead.
 * </ul>
 * Unassigned code points are judged by the JDK's Unicode version, not by Unicode 3.2 as the RFC
 * says; for a character assigned after 3.2 whose NFKC form differs from itself the result can
 * differ from PostgreSQL's. Such passwords are rare enough to accept that.
 */
final class SaslPrep {
    private SaslPrep() {
    }

    /** The prepared form of {@code password}, or {@code password} itself (see the class). */
    static String prepare(String password) {
        int n = password.length();
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            if (password.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) return password;

        StringBuilder mapped = new StringBuilder(n);
        for (int i = 0; i < n; ) {
            int cp = password.codePointAt(i);
            i += Character.charCount(cp);
            if (isNonAsciiSpace(cp)) {
                mapped.append(' ');
            } else if (!isMappedToNothing(cp)) {
                mapped.appendCodePoint(cp);
            }
        }
        String normalised = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        if (normalised.isEmpty()) return password;

        boolean randAL = false;
        boolean l = false;
        for (int i = 0; i < normalised.length(); ) {
            int cp = normalised.codePointAt(i);
            i += Character.charCount(cp);
            if (isProhibited(cp) || !Character.isDefined(cp)) return password;
            byte dir = Character.getDirectionality(cp);
            if (dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT || dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC) {
                randAL = true;
            } else if (dir == Character.DIRECTIONALITY_LEFT_TO_RIGHT) {
                l = true;
            }
        }
        if (randAL && (l || !isRandAL(normalised.codePointAt(0))
                || !isRandAL(normalised.codePointBefore(normalised.length())))) {
            return password;
        }
        return normalised;
    }

    private static boolean isRandAL(int cp) {
        byte dir = Character.getDirectionality(cp);
        return dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT || dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    }

    /** RFC 3454 table C.1.2. */
    private static boolean isNonAsciiSpace(int cp) {
        return cp == 0x00a0 || cp == 0x1680 || cp >= 0x2000 && cp <= 0x200b || cp == 0x202f || cp == 0x205f
                || cp == 0x3000;
    }

    /** RFC 3454 table B.1. */
    private static boolean isMappedToNothing(int cp) {
        return cp == 0x00ad || cp == 0x034f || cp == 0x1806 || cp >= 0x180b && cp <= 0x180d
                || cp >= 0x200b && cp <= 0x200d || cp == 0x2060 || cp >= 0xfe00 && cp <= 0xfe0f || cp == 0xfeff;
    }

    /** RFC 3454 tables C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8 and C.9. */
    private static boolean isProhibited(int cp) {
        return isNonAsciiSpace(cp)
                // C.2.1 ASCII control characters
                || cp <= 0x1f || cp == 0x7f
                // C.2.2 non-ASCII control characters
                || cp >= 0x80 && cp <= 0x9f || cp == 0x06dd || cp == 0x070f || cp == 0x180e
                || cp == 0x200c || cp == 0x200d || cp == 0x2028 || cp == 0x2029
                || cp >= 0x2060 && cp <= 0x2063 || cp >= 0x206a && cp <= 0x206f || cp == 0xfeff
                || cp >= 0xfff9 && cp <= 0xfffc || cp >= 0x1d173 && cp <= 0x1d17a
                // C.3 private use
                || cp >= 0xe000 && cp <= 0xf8ff || cp >= 0xf0000 && cp <= 0xffffd || cp >= 0x100000 && cp <= 0x10fffd
                // C.4 non-character code points
                || cp >= 0xfdd0 && cp <= 0xfdef || (cp & 0xfffe) == 0xfffe
                // C.5 surrogate codes
                || cp >= 0xd800 && cp <= 0xdfff
                // C.6 inappropriate for plain text
                || cp >= 0xfff9 && cp <= 0xfffd
                // C.7 inappropriate for canonical representation
                || cp >= 0x2ff0 && cp <= 0x2ffb
                // C.8 change display properties or deprecated
                || cp == 0x0340 || cp == 0x0341 || cp == 0x200e || cp == 0x200f || cp >= 0x202a && cp <= 0x202e
                // C.9 tagging characters
                || cp == 0xe0001 || cp >= 0xe0020 && cp <= 0xe007f;
    }
}
