package io.weft.pooler.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;

/**
 * Writes PostgreSQL protocol messages to a blocking stream through its own buffer.
 *
 * <p>Each message method appends one whole message to the buffer; nothing is sent for certain
 * until {@link #flush()}, which writes the buffer and flushes the stream. Messages are encoded
 * straight into the buffer (strings as UTF-8 by hand, the length field patched in at the end),
 * so writing a message allocates nothing on the hot path.
 *
 * <p>The buffer has a soft capacity (16 KiB unless told otherwise). When a message does not fit
 * in what is left, the complete messages before it are written to the stream first; a single
 * message larger than the capacity grows the buffer, or, for {@link #write}, {@link #forward}
 * and {@link #writeRaw}, goes to the stream directly. So memory stays bounded however many
 * messages are written between flushes.
 *
 * <p>The message methods declare no {@link IOException}: if such an early write fails, the
 * writer remembers the exception, drops everything written from then on and throws that
 * exception from the next {@link #flush()} (and every one after). {@link #error()} tells
 * whether that has happened. A relay loop can thus forward many messages and learn of a dead
 * peer at its next flush.
 *
 * <p>Strings are written as UTF-8 followed by a NUL; a string that contains U+0000 cannot be
 * written that way and is rejected with {@link IllegalArgumentException} (the partial message
 * is dropped, the writer stays usable). All integers are big-endian.
 *
 * <p>Not thread-safe: one thread (or one holder of a lock) writes at a time.
 */
public final class PgWriter {
    private static final int DEFAULT_CAPACITY = 16 * 1024;

    private final OutputStream out;
    private final int capacity;
    private byte[] buf;
    private int pos;
    /** Where the message being built starts, or -1 between messages. */
    private int msgStart = -1;
    /** Where the length field of the message being built is. */
    private int lenPos;
    private IOException error;

    public PgWriter(OutputStream out) {
        this(out, DEFAULT_CAPACITY);
    }

    /** @param capacity the soft size of the buffer, at least 64 bytes */
    public PgWriter(OutputStream out, int capacity) {
        this.out = Objects.requireNonNull(out, "out");
        if (capacity < 64) throw new IllegalArgumentException("capacity must be at least 64, not " + capacity);
        this.capacity = capacity;
        this.buf = new byte[capacity];
    }

    /**
     * Writes everything buffered and flushes the stream.
     *
     * @throws IOException from the stream, or the one an earlier write of complete messages
     *     failed with (then the buffered messages were dropped)
     */
    public void flush() throws IOException {
        if (error != null) {
            pos = 0;
            throw error;
        }
        try {
            if (pos > 0) out.write(buf, 0, pos);
            out.flush();
        } catch (IOException e) {
            error = e;
            throw e;
        } finally {
            pos = 0;
        }
        if (buf.length > capacity * 4) buf = new byte[capacity]; // an outsized message is gone
    }

    /** Bytes buffered and not yet written to the stream. */
    public int buffered() {
        return pos;
    }

    /** The exception an earlier write failed with, or null; {@link #flush()} will throw it. */
    public IOException error() {
        return error;
    }

    // ---- raw ----------------------------------------------------------------------------

    /** A typed message: {@code type}, the length, {@code payload[off, off + len)}. */
    public void write(byte type, byte[] payload, int off, int len) {
        Objects.checkFromIndexSize(off, len, payload.length);
        if (len <= capacity - 5) {
            begin(type);
            putBytes(payload, off, len);
            end();
        } else {
            ensure(5);
            buf[pos++] = type;
            putInt(len + 4);
            spill(pos);
            writeDirect(payload, off, len);
        }
    }

    /** The reader's current message as it came: typed, or an untyped start-up packet. */
    public void forward(PgReader r) {
        if (r.isStartupPacket()) {
            int len = r.length();
            ensure(4);
            putInt(len + 4);
            writeRaw(r.payload(), 0, len);
        } else {
            write(r.type(), r.payload(), 0, r.length());
        }
    }

    /** Bytes as they are, e.g. a message read and kept earlier. */
    public void writeRaw(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len <= capacity) {
            ensure(len);
            System.arraycopy(b, off, buf, pos, len);
            pos += len;
        } else {
            spill(pos);
            writeDirect(b, off, len);
        }
    }

    // ---- backend messages -----------------------------------------------------------------

    /** ErrorResponse with fields S and V (severity), C (SQLSTATE) and M (message). */
    public void errorResponse(String severity, String sqlState, String message) {
        fields(Protocol.ERROR_RESPONSE, severity, sqlState, message, null, null);
    }

    /** ErrorResponse with a D (detail) and an H (hint) field where they are not null. */
    public void errorResponse(String severity, String sqlState, String message, String detail, String hint) {
        fields(Protocol.ERROR_RESPONSE, severity, sqlState, message, detail, hint);
    }

    /** NoticeResponse with fields S and V (severity), C (SQLSTATE) and M (message). */
    public void noticeResponse(String severity, String sqlState, String message) {
        fields(Protocol.NOTICE_RESPONSE, severity, sqlState, message, null, null);
    }

    public void authenticationOk() {
        authRequest(Protocol.AUTH_OK);
    }

    public void authenticationCleartextPassword() {
        authRequest(Protocol.AUTH_CLEARTEXT);
    }

    /** AuthenticationMD5Password with its 4-byte salt. */
    public void authenticationMd5Password(byte[] salt4) {
        if (salt4.length != 4) throw new IllegalArgumentException("an MD5 salt has 4 bytes, not " + salt4.length);
        begin(Protocol.AUTHENTICATION);
        putInt(Protocol.AUTH_MD5);
        putBytes(salt4, 0, 4);
        end();
    }

    /** AuthenticationSASL: the mechanisms the server offers, each a string, then an empty one. */
    public void authenticationSasl(String... mechanisms) {
        begin(Protocol.AUTHENTICATION);
        putInt(Protocol.AUTH_SASL);
        for (String m : mechanisms) {
            if (m.isEmpty()) {
                abort();
                throw new IllegalArgumentException("an empty SASL mechanism name would end the list");
            }
            putCString(m);
        }
        ensure(1);
        buf[pos++] = 0;
        end();
    }

    /** AuthenticationSASLContinue with the server-first-message. */
    public void authenticationSaslContinue(byte[] data) {
        begin(Protocol.AUTHENTICATION);
        putInt(Protocol.AUTH_SASL_CONTINUE);
        putBytes(data, 0, data.length);
        end();
    }

    /** AuthenticationSASLFinal with the server-final-message. */
    public void authenticationSaslFinal(byte[] data) {
        begin(Protocol.AUTHENTICATION);
        putInt(Protocol.AUTH_SASL_FINAL);
        putBytes(data, 0, data.length);
        end();
    }

    public void parameterStatus(String name, String value) {
        begin(Protocol.PARAMETER_STATUS);
        putCString(name);
        putCString(value);
        end();
    }

    public void backendKeyData(int pid, int secret) {
        begin(Protocol.BACKEND_KEY_DATA);
        putInt(pid);
        putInt(secret);
        end();
    }

    /** ReadyForQuery with the transaction status: 'I' idle, 'T' in a transaction, 'E' failed. */
    public void readyForQuery(byte status) {
        begin(Protocol.READY_FOR_QUERY);
        ensure(1);
        buf[pos++] = status;
        end();
    }

    public void parseComplete() {
        empty(Protocol.PARSE_COMPLETE);
    }

    public void bindComplete() {
        empty(Protocol.BIND_COMPLETE);
    }

    public void closeComplete() {
        empty(Protocol.CLOSE_COMPLETE);
    }

    public void noData() {
        empty(Protocol.NO_DATA);
    }

    public void emptyQueryResponse() {
        empty(Protocol.EMPTY_QUERY_RESPONSE);
    }

    /** CommandComplete with its tag, e.g. "SELECT 1" or "DEALLOCATE". */
    public void commandComplete(String tag) {
        begin(Protocol.COMMAND_COMPLETE);
        putCString(tag);
        end();
    }

    /**
     * NegotiateProtocolVersion: the newest minor version of protocol 3 the server supports, and
     * the protocol options ({@code _pq_.*}) of the start-up packet it did not recognise.
     */
    public void negotiateProtocolVersion(int newestMinor, String... unrecognisedOptions) {
        begin(Protocol.NEGOTIATE_PROTOCOL_VERSION);
        putInt(3 << 16 | newestMinor & 0xffff);
        putInt(unrecognisedOptions.length);
        for (String o : unrecognisedOptions) putCString(o);
        end();
    }

    // ---- frontend messages ----------------------------------------------------------------

    /** StartupMessage for protocol 3.0 with these parameters (in the map's order). */
    public void startupMessage(Map<String, String> params) {
        beginUntyped();
        putInt(Protocol.PROTOCOL_3_0);
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getKey().isEmpty()) {
                abort();
                throw new IllegalArgumentException("an empty parameter name would end the startup packet");
            }
            putCString(e.getKey());
            putCString(e.getValue());
        }
        ensure(1);
        buf[pos++] = 0;
        end();
    }

    /** SSLRequest: asks the server whether it will speak TLS (it answers one byte, 'S' or 'N'). */
    public void sslRequest() {
        beginUntyped();
        putInt(Protocol.SSL_REQUEST);
        end();
    }

    /** CancelRequest for the backend with this process id and secret key. */
    public void cancelRequest(int pid, int secret) {
        beginUntyped();
        putInt(Protocol.CANCEL_REQUEST);
        putInt(pid);
        putInt(secret);
        end();
    }

    /**
     * PasswordMessage carrying these bytes as its string. The terminating NUL is added unless
     * the array already ends with one (a password cannot contain NUL, so this is unambiguous).
     */
    public void passwordMessage(byte[] cstringBytes) {
        begin(Protocol.PASSWORD);
        putBytes(cstringBytes, 0, cstringBytes.length);
        if (cstringBytes.length == 0 || cstringBytes[cstringBytes.length - 1] != 0) {
            ensure(1);
            buf[pos++] = 0;
        }
        end();
    }

    /** PasswordMessage: a cleartext password or an md5 response ("md5" + 32 hex digits). */
    public void passwordMessage(String password) {
        begin(Protocol.PASSWORD);
        putCString(password);
        end();
    }

    /** SASLInitialResponse: the chosen mechanism and the client-first-message (null: none). */
    public void saslInitialResponse(String mechanism, byte[] data) {
        begin(Protocol.PASSWORD);
        putCString(mechanism);
        if (data == null) {
            putInt(-1);
        } else {
            putInt(data.length);
            putBytes(data, 0, data.length);
        }
        end();
    }

    /** SASLResponse: the client-final-message. */
    public void saslResponse(byte[] data) {
        begin(Protocol.PASSWORD);
        putBytes(data, 0, data.length);
        end();
    }

    /** Query: a simple-protocol query string. */
    public void query(String sql) {
        begin(Protocol.QUERY);
        putCString(sql);
        end();
    }

    /** Parse of {@code query} as statement {@code name} ("" for the unnamed one), no parameter types. */
    public void parse(String name, String query) {
        begin(Protocol.PARSE);
        putCString(name);
        putCString(query);
        ensure(2);
        putShort(0);
        end();
    }

    /** Parse with these parameter type OIDs (0 leaves a parameter's type to the server). */
    public void parse(String name, String query, int... paramTypeOids) {
        if (paramTypeOids.length > 0xffff) {
            throw new IllegalArgumentException("at most 65535 parameter types, not " + paramTypeOids.length);
        }
        begin(Protocol.PARSE);
        putCString(name);
        putCString(query);
        ensure(2 + 4 * paramTypeOids.length);
        putShort(paramTypeOids.length);
        for (int oid : paramTypeOids) putInt(oid);
        end();
    }

    /**
     * Parse whose parameter types are given as they appear at the end of a Parse message
     * ({@code paramTypes[off, off + len)}: an int16 count and that many int32 OIDs), for
     * replaying a client's Parse under another statement name. The bytes are not checked.
     */
    public void parse(String name, String query, byte[] paramTypes, int off, int len) {
        Objects.checkFromIndexSize(off, len, paramTypes.length);
        begin(Protocol.PARSE);
        putCString(name);
        putCString(query);
        putBytes(paramTypes, off, len);
        end();
    }

    /** Bind of statement {@code statement} to portal {@code portal}, no parameters, text results. */
    public void bind(String portal, String statement) {
        begin(Protocol.BIND);
        putCString(portal);
        putCString(statement);
        ensure(6);
        putShort(0); // parameter format codes
        putShort(0); // parameter values
        putShort(0); // result format codes: all text
        end();
    }

    /** Describe of a statement ({@code 'S'}) or a portal ({@code 'P'}). */
    public void describe(byte kind, String name) {
        checkKind(kind);
        begin(Protocol.DESCRIBE);
        ensure(1);
        buf[pos++] = kind;
        putCString(name);
        end();
    }

    /** Execute of a portal, at most {@code maxRows} rows (0: all). */
    public void execute(String portal, int maxRows) {
        begin(Protocol.EXECUTE);
        putCString(portal);
        ensure(4);
        putInt(maxRows);
        end();
    }

    /** Close of a prepared statement. */
    public void closeStatement(String name) {
        close((byte) 'S', name);
    }

    /** Close of a portal. */
    public void closePortal(String name) {
        close((byte) 'P', name);
    }

    /** Close of a statement ({@code 'S'}) or a portal ({@code 'P'}). */
    public void close(byte kind, String name) {
        checkKind(kind);
        begin(Protocol.CLOSE);
        ensure(1);
        buf[pos++] = kind;
        putCString(name);
        end();
    }

    /** The Flush message (asks the server to send what it has); not {@link #flush()}. */
    public void flushMessage() {
        empty(Protocol.FLUSH);
    }

    public void sync() {
        empty(Protocol.SYNC);
    }

    public void terminate() {
        empty(Protocol.TERMINATE);
    }

    // ---- internals -------------------------------------------------------------------------

    private static void checkKind(byte kind) {
        if (kind != 'S' && kind != 'P') {
            throw new IllegalArgumentException("kind must be 'S' (statement) or 'P' (portal), not "
                    + Protocol.typeName(kind));
        }
    }

    private void authRequest(int code) {
        begin(Protocol.AUTHENTICATION);
        putInt(code);
        end();
    }

    private void empty(byte type) {
        begin(type);
        end();
    }

    private void fields(byte type, String severity, String sqlState, String message, String detail, String hint) {
        begin(type);
        field('S', severity);
        field('V', severity);
        field('C', sqlState);
        field('M', message);
        if (detail != null) field('D', detail);
        if (hint != null) field('H', hint);
        ensure(1);
        buf[pos++] = 0;
        end();
    }

    private void field(char code, String value) {
        ensure(1);
        buf[pos++] = (byte) code;
        putCString(value);
    }

    private void begin(byte type) {
        ensure(5 + 16);
        msgStart = pos;
        buf[pos] = type;
        lenPos = pos + 1;
        pos += 5;
    }

    private void beginUntyped() {
        ensure(4 + 16);
        msgStart = pos;
        lenPos = pos;
        pos += 4;
    }

    private void end() {
        int len = pos - lenPos;
        byte[] b = buf;
        int p = lenPos;
        b[p] = (byte) (len >>> 24);
        b[p + 1] = (byte) (len >>> 16);
        b[p + 2] = (byte) (len >>> 8);
        b[p + 3] = (byte) len;
        msgStart = -1;
    }

    /** Drops the message being built. */
    private void abort() {
        pos = msgStart;
        msgStart = -1;
    }

    /**
     * Room for {@code n} more bytes: within the capacity, writing out the complete messages
     * first if need be; beyond it only for one outsized message, growing the buffer.
     */
    private void ensure(long n) {
        if (capacity - pos >= n) return;
        spill(msgStart >= 0 ? msgStart : pos);
        if (buf.length - pos >= n) return;
        long need = pos + n;
        if (need > Integer.MAX_VALUE - 8) {
            if (msgStart >= 0) abort();
            throw new IllegalArgumentException("message too large for the protocol: " + need + " bytes");
        }
        byte[] grown = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * buf.length))];
        System.arraycopy(buf, 0, grown, 0, pos);
        buf = grown;
    }

    /** Writes {@code buf[0, end)} to the stream (or drops it after an error), keeps the rest. */
    private void spill(int end) {
        if (end <= 0) return;
        writeDirect(buf, 0, end);
        int rest = pos - end;
        System.arraycopy(buf, end, buf, 0, rest);
        pos = rest;
        if (msgStart >= 0) {
            msgStart -= end;
            lenPos -= end;
        }
    }

    private void writeDirect(byte[] b, int off, int len) {
        if (error != null) return;
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            error = e;
        }
    }

    private void putInt(int v) {
        ensure(4);
        byte[] b = buf;
        int p = pos;
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
        pos = p + 4;
    }

    private void putShort(int v) {
        ensure(2);
        buf[pos] = (byte) (v >>> 8);
        buf[pos + 1] = (byte) v;
        pos += 2;
    }

    private void putBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    /** {@code s} as UTF-8 and a NUL; unpaired surrogates become '?'. */
    private void putCString(String s) {
        int n = s.length();
        ensure(3L * n + 1);
        byte[] b = buf;
        int p = pos;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == 0) {
                    abort();
                    throw new IllegalArgumentException("a protocol string cannot contain U+0000 (at index " + i + ")");
                }
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xc0 | c >> 6);
                b[p++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isSurrogate(c)) {
                char low;
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(low = s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, low);
                    i++;
                    b[p++] = (byte) (0xf0 | cp >> 18);
                    b[p++] = (byte) (0x80 | cp >> 12 & 0x3f);
                    b[p++] = (byte) (0x80 | cp >> 6 & 0x3f);
                    b[p++] = (byte) (0x80 | cp & 0x3f);
                } else {
                    b[p++] = '?';
                }
            } else {
                b[p++] = (byte) (0xe0 | c >> 12);
                b[p++] = (byte) (0x80 | c >> 6 & 0x3f);
                b[p++] = (byte) (0x80 | c & 0x3f);
            }
        }
        b[p++] = 0;
        pos = p;
    }
}
