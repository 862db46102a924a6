package io.weft.net;

import java.io.IOException;
import java.io.OutputStream;

/** A {@link WeftSocketImpl}'s output; {@code java.net.Socket} wraps it in its own stream. */
final class WeftOutputStream extends OutputStream {
    private final WeftSocketImpl impl;

    WeftOutputStream(WeftSocketImpl impl) {
        this.impl = impl;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        impl.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        impl.close();
    }
}
