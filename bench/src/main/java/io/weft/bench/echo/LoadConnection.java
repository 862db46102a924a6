package io.weft.bench.echo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.SplittableRandom;

/**
 * One client connection of the load generator: the message it sends and the echo it collects.
 * Each message is the connection's own random bytes with the request's sequence number in its
 * first 8 bytes, so an echo from the wrong connection or of the wrong request does not match.
 */
final class LoadConnection {
    final SocketChannel channel;
    private final ByteBuffer message;
    private final ByteBuffer echo;
    private long seq;
    /** When the request in flight was sent (System.nanoTime), or -1 when none is. */
    long sentAt = -1;
    /** Requests completed inside the measured window. */
    long measured;

    LoadConnection(SocketChannel channel, int size, long seed) {
        if (size < Long.BYTES) throw new IllegalArgumentException("messages are at least 8 bytes");
        this.channel = channel;
        this.message = ByteBuffer.allocateDirect(size);
        this.echo = ByteBuffer.allocateDirect(size);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) message.put(i, (byte) random.nextInt(256));
    }

    /** Starts the next request; true if all of it was written (else wait for OP_WRITE and {@link #writeMore}). */
    boolean send(long now) throws IOException {
        message.putLong(0, ++seq);
        message.clear();
        echo.clear();
        sentAt = now;
        channel.write(message);
        return !message.hasRemaining();
    }

    /** Writes more of a partly written request; true once all of it is out. */
    boolean writeMore() throws IOException {
        channel.write(message);
        return !message.hasRemaining();
    }

    /**
     * Reads what has arrived of the echo.
     *
     * @return true once the whole echo is in
     * @throws IOException if the server closed the connection or the read failed
     */
    boolean receive() throws IOException {
        if (channel.read(echo) < 0) throw new IOException("the server closed the connection");
        return !echo.hasRemaining();
    }

    /** Whether the echo received equals the message sent, byte for byte. */
    boolean echoMatches() {
        return echo.flip().mismatch(message.rewind()) < 0;
    }

    int size() {
        return message.capacity();
    }
}
