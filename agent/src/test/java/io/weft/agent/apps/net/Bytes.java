package io.weft.agent.apps.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/** Data to send and the loops that move it. */
final class Bytes {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** More than loopback's socket buffers and a pipe's 64 KiB: writers block too, not only readers. */
    static final int BIG = 4 << 20;

    private Bytes() {}

    /** {@code n} bytes of a pattern that a shifted or dropped chunk would not match. */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 11));
        }
        return b;
    }

    static String compare(byte[] sent, byte[] received) {
        return received.length + " bytes, " + (Arrays.equals(sent, received) ? "intact" : "CORRUPT");
    }

    static void echo(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
    }

    static void echo(ReadableByteChannel in, WritableByteChannel out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (in.read(buf) > 0) {
            buf.flip();
            writeFully(out, buf);
            buf.clear();
        }
    }

    static void writeFully(WritableByteChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }

    static byte[] readAll(ReadableByteChannel in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (in.read(buf) >= 0) {
            all.write(buf.array(), 0, buf.position());
            buf.clear();
        }
        return all.toByteArray();
    }
}
