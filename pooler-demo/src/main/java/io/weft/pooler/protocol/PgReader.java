package io.weft.pooler.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads PostgreSQL protocol messages from a blocking stream, one at a time.
 *
 * <p>The reader buffers the stream itself (the caller need not wrap it) and keeps the payload of
 * the current message in one byte array that it reuses and grows as needed: reading a message
 * allocates nothing once the array is large enough. {@link #payload()} is therefore only valid
 * until the next call to {@link #next()} or {@link #nextStartup()}.
 *
 * <p>Two kinds of message: the typed messages of the protocol proper (1 type byte, an int32
 * length that counts itself, the payload), read by {@link #next()}, and the untyped start-up
 * family a client sends first (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest: an
 * int32 length, then the payload that begins with an int32 code), read by
 * {@link #nextStartup()}.
 *
 * <p>Parsing helpers read the current payload. The fixed-size ones ({@link #int32(int)},
 * {@link #int16(int)}, {@link #byteAt(int)}) throw {@link IndexOutOfBoundsException} when they
 * would read beyond {@link #length()} (never the stale bytes of an earlier, longer message);
 * callers that parse untrusted input can check first with {@link #require(int, int)}, which
 * throws a {@link ProtocolException} instead. The string helpers throw {@link ProtocolException}.
 *
 * <p>Not thread-safe: one thread reads a stream.
 */
public final class PgReader {
    private static final int BUFFER_SIZE = 8192;
    private static final int INITIAL_PAYLOAD = 1024;
    /** Stands for "an untyped start-up packet" where a type byte (0..255) is expected. */
    private static final int STARTUP = -1;

    private final InputStream in;
    private final int maxMessageLength;
    private final byte[] buf;
    private int pos;
    private int lim;

    private byte[] payload = new byte[INITIAL_PAYLOAD];
    private int length;
    private byte type;
    private boolean startup;

    /**
     * @param in the stream; buffered here, so a plain socket stream is best
     * @param maxMessageLength the largest length field accepted (the length counts its own 4
     *     bytes but not the type byte); a longer message is a protocol violation
     */
    public PgReader(InputStream in, int maxMessageLength) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxMessageLength < 4) {
            throw new IllegalArgumentException("maxMessageLength must be at least 4, not " + maxMessageLength);
        }
        this.maxMessageLength = maxMessageLength;
        this.buf = new byte[BUFFER_SIZE];
    }

    /**
     * Reads the next typed message.
     *
     * @return false if the stream ended cleanly before the first byte of a message
     * @throws ProtocolException if the length field is below 4 or above the maximum
     * @throws EOFException if the stream ends inside a message
     */
    public boolean next() throws IOException {
        clear();
        if (pos == lim && !fill()) return false;
        byte t = buf[pos++];
        int len = readInt32(t & 0xff);
        if (len < 4) {
            throw new ProtocolException("invalid message length " + len + " for message type "
                    + Protocol.typeName(t) + " (at least 4)");
        }
        if (len > maxMessageLength) {
            throw new ProtocolException("message of type " + Protocol.typeName(t)
                    + " has length " + len + ", above the limit of " + maxMessageLength);
        }
        readPayload(len - 4, t & 0xff);
        type = t;
        return true;
    }

    /**
     * Reads an untyped start-up packet (StartupMessage, SSLRequest, GSSENCRequest or
     * CancelRequest), as a client sends it before anything else. The payload begins with the
     * int32 code; {@link #type()} is 0 afterwards.
     *
     * @return the code ({@link Protocol#PROTOCOL_3_0}, {@link Protocol#SSL_REQUEST}, ...), or -1
     *     if the stream ended cleanly before the first byte
     * @throws ProtocolException if the length is below 8 (no room for the code) or above
     *     {@link Protocol#MAX_STARTUP_PACKET_LENGTH} or the reader's maximum
     * @throws EOFException if the stream ends inside the packet
     */
    public int nextStartup() throws IOException {
        clear();
        if (pos == lim && !fill()) return -1;
        int len = readInt32(STARTUP);
        int max = Math.min(Protocol.MAX_STARTUP_PACKET_LENGTH, maxMessageLength);
        if (len < 8) {
            throw new ProtocolException("invalid length of startup packet: " + len + " (at least 8)");
        }
        if (len > max) {
            throw new ProtocolException("invalid length of startup packet: " + len + ", above the limit of " + max);
        }
        readPayload(len - 4, STARTUP);
        startup = true;
        return int32(0);
    }

    /** The type byte of the current message; 0 after {@link #nextStartup()}. */
    public byte type() {
        return type;
    }

    /** The payload length of the current message: without the type byte and the length field. */
    public int length() {
        return length;
    }

    /** The reused payload array; bytes {@code [0, length())} are the current message's. */
    public byte[] payload() {
        return payload;
    }

    /** Whether the current message came from {@link #nextStartup()} (it has no type byte). */
    public boolean isStartupPacket() {
        return startup;
    }

    /**
     * Bytes already read from the stream and not yet consumed: a non-zero value means the peer
     * has sent (part of) another message, so a relay may keep reading before it flushes.
     */
    public int buffered() {
        return lim - pos;
    }

    /**
     * Shrinks the payload array back to {@code maxRetained} bytes if an outsized message grew it
     * beyond that and the current message fits. Arrays obtained earlier from {@link #payload()}
     * no longer reflect the reader afterwards.
     */
    public void trimPayloadBuffer(int maxRetained) {
        int target = Math.max(maxRetained, INITIAL_PAYLOAD);
        if (payload.length > target && length <= target) {
            byte[] smaller = new byte[target];
            System.arraycopy(payload, 0, smaller, 0, length);
            payload = smaller;
        }
    }

    // ---- parsing helpers -------------------------------------------------------------------

    /**
     * Throws a {@link ProtocolException} naming the message unless {@code [offset, offset + n)}
     * lies within the payload.
     */
    public void require(int offset, int n) throws ProtocolException {
        if (offset < 0 || n < 0 || offset > length - n) {
            throw new ProtocolException("message " + describe() + " is too short: needs " + n
                    + " bytes at offset " + offset + ", payload has " + length);
        }
    }

    /** The big-endian int32 at {@code offset} of the payload. */
    public int int32(int offset) {
        Objects.checkFromIndexSize(offset, 4, length);
        byte[] p = payload;
        return (p[offset] & 0xff) << 24 | (p[offset + 1] & 0xff) << 16 | (p[offset + 2] & 0xff) << 8
                | (p[offset + 3] & 0xff);
    }

    /** The big-endian int16 at {@code offset} of the payload. */
    public short int16(int offset) {
        Objects.checkFromIndexSize(offset, 2, length);
        return (short) ((payload[offset] & 0xff) << 8 | (payload[offset + 1] & 0xff));
    }

    /** The byte at {@code offset} of the payload. */
    public byte byteAt(int offset) {
        Objects.checkIndex(offset, length);
        return payload[offset];
    }

    /**
     * The NUL-terminated UTF-8 string that starts at {@code offset}.
     *
     * @throws ProtocolException if there is no NUL between {@code offset} and the payload's end
     */
    public String cstring(int offset) throws ProtocolException {
        int end = nul(offset);
        return new String(payload, offset, end - offset, StandardCharsets.UTF_8);
    }

    /**
     * The offset just after the NUL that ends the string at {@code offset}.
     *
     * @throws ProtocolException if there is no NUL between {@code offset} and the payload's end
     */
    public int cstringEnd(int offset) throws ProtocolException {
        return nul(offset) + 1;
    }

    /**
     * Whether the NUL-terminated string at {@code offset} equals {@code ascii} (an ASCII
     * string), without allocating.
     */
    public boolean cstringEquals(int offset, String ascii) throws ProtocolException {
        int end = nul(offset);
        int n = ascii.length();
        if (end - offset != n) return false;
        for (int i = 0; i < n; i++) {
            if (payload[offset + i] != (byte) ascii.charAt(i)) return false;
        }
        return true;
    }

    /**
     * The parameters of the current StartupMessage: the name/value string pairs after the
     * protocol code, in their order, ended by an empty name (a lone NUL) that must be the last
     * byte. A name given twice keeps its last value. Accepts any protocol 3.x code; it is the
     * caller's business to negotiate a minor version other than 0.
     *
     * @throws ProtocolException if the current message is not a protocol 3 start-up packet or
     *     its layout is malformed
     */
    public Map<String, String> startupParameters() throws ProtocolException {
        if (!startup || length < 4 || int32(0) >>> 16 != 3) {
            throw new ProtocolException("not a protocol 3 startup packet");
        }
        Map<String, String> params = new LinkedHashMap<>();
        int off = 4;
        for (;;) {
            if (off >= length) {
                throw new ProtocolException("invalid startup packet layout: missing the terminating NUL");
            }
            if (payload[off] == 0) {
                if (off != length - 1) {
                    throw new ProtocolException("invalid startup packet layout: expected terminator as last byte");
                }
                return params;
            }
            int nameEnd = nulOrFail(off, "invalid startup packet layout: parameter name without its NUL");
            int valueStart = nameEnd + 1;
            if (valueStart >= length) {
                throw new ProtocolException("invalid startup packet layout: parameter "
                        + new String(payload, off, nameEnd - off, StandardCharsets.UTF_8) + " has no value");
            }
            int valueEnd = nulOrFail(valueStart, "invalid startup packet layout: parameter value without its NUL");
            params.put(new String(payload, off, nameEnd - off, StandardCharsets.UTF_8),
                    new String(payload, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8));
            off = valueEnd + 1;
        }
    }

    // ---- internals -------------------------------------------------------------------------

    private void clear() {
        type = 0;
        length = 0;
        startup = false;
    }

    private int nul(int offset) throws ProtocolException {
        if (offset < 0 || offset >= length) {
            throw new ProtocolException("message " + describe() + ": string expected at offset " + offset
                    + ", beyond the payload of " + length + " bytes");
        }
        return nulOrFail(offset, "message " + describe() + ": string at offset " + offset
                + " is not NUL-terminated within the payload");
    }

    private int nulOrFail(int offset, String message) throws ProtocolException {
        byte[] p = payload;
        for (int i = offset, end = length; i < end; i++) {
            if (p[i] == 0) return i;
        }
        throw new ProtocolException(message);
    }

    private String describe() {
        return startup ? "startup packet" : Protocol.typeName(type);
    }

    /** Refills the empty buffer; false at end of stream. */
    private boolean fill() throws IOException {
        pos = 0;
        lim = 0;
        for (;;) {
            int n = in.read(buf, 0, buf.length);
            if (n < 0) return false;
            if (n > 0) {
                lim = n;
                return true;
            }
        }
    }

    private int readInt32(int t) throws IOException {
        if (lim - pos >= 4) {
            byte[] b = buf;
            int p = pos;
            pos = p + 4;
            return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            if (pos == lim && !fill()) throw truncated(t, "length");
            v = v << 8 | (buf[pos++] & 0xff);
        }
        return v;
    }

    private void readPayload(int n, int t) throws IOException {
        if (payload.length < n) {
            long grown = Math.max((long) n, 2L * payload.length);
            payload = new byte[(int) Math.min(grown, Math.max(n, maxMessageLength - 4))];
        }
        int have = Math.min(lim - pos, n);
        System.arraycopy(buf, pos, payload, 0, have);
        pos += have;
        int off = have;
        while (off < n) {
            int want = n - off;
            if (want >= buf.length) {
                int r = in.read(payload, off, want);
                if (r < 0) throw truncated(t, "payload");
                off += r;
            } else {
                if (!fill()) throw truncated(t, "payload");
                int c = Math.min(lim, want);
                System.arraycopy(buf, 0, payload, off, c);
                pos = c;
                off += c;
            }
        }
        length = n;
    }

    /** @param t the message's type byte (0..255), or {@link #STARTUP} */
    private static EOFException truncated(int t, String what) {
        String kind = t == STARTUP ? "startup packet" : "message of type " + Protocol.typeName((byte) t);
        return new EOFException("the stream ended inside the " + what + " of a " + kind);
    }
}
