package io.weft.net;

import java.io.IOException;
import java.io.InputStream;

/** A {@link WeftSocketImpl}'s input; {@code java.net.Socket} wraps it in its own stream. */
final class WeftInputStream extends InputStream {
    private final WeftSocketImpl impl;

    WeftInputStream(WeftSocketImpl impl) {
        this.impl = impl;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n > 0 ? one[0] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return impl.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
        return impl.available(); // "Socket closed" once closed, as the JDK's
    }

    @Override
    public void close() throws IOException {
        impl.close();
    }
}
