package io.weft.pooler.session;

import io.weft.pooler.protocol.PgWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the payload of a message the pooler rewrites (a Parse or Bind with the pooler's name
 * for a statement), reusing one buffer. One per relay; not thread-safe.
 */
final class MessageBuilder {
    private byte[] buf = new byte[256];
    private int len;

    MessageBuilder reset() {
        len = 0;
        return this;
    }

    MessageBuilder cstring(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ensure(b.length + 1);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        buf[len++] = 0;
        return this;
    }

    MessageBuilder bytes(byte[] src, int off, int n) {
        ensure(n);
        System.arraycopy(src, off, buf, len, n);
        len += n;
        return this;
    }

    MessageBuilder int8(int b) {
        ensure(1);
        buf[len++] = (byte) b;
        return this;
    }

    void writeTo(PgWriter out, byte type) throws IOException {
        out.write(type, buf, 0, len);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
