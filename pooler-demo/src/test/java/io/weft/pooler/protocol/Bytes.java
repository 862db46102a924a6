package io.weft.pooler.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Builds protocol bytes by hand, independently of PgWriter, and streams that trickle them. */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes int32(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    Bytes int16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    Bytes b(int... bytes) {
        for (int x : bytes) out.write(x);
        return this;
    }

    Bytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    Bytes cstring(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** A typed message whose payload is {@code payload}. */
    static byte[] message(char type, byte[] payload) {
        return new Bytes().b(type).int32(payload.length + 4).raw(payload).bytes();
    }

    static byte[] concat(byte[]... parts) {
        Bytes b = new Bytes();
        for (byte[] p : parts) b.raw(p);
        return b.bytes();
    }

    /** Hands out the bytes in random small pieces, as a socket may. */
    static InputStream trickle(byte[] data, long seed) {
        Random random = new Random(seed);
        return new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < data.length ? data[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                if (pos >= data.length) return -1;
                int n = Math.min(Math.min(len, data.length - pos), 1 + random.nextInt(7));
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }
}
