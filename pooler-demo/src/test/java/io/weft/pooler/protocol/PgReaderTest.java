package io.weft.pooler.protocol;

import static io.weft.pooler.protocol.Bytes.concat;
import static io.weft.pooler.protocol.Bytes.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgReaderTest {
    static PgReader reader(byte[] data) {
        return new PgReader(new ByteArrayInputStream(data), 1 << 20);
    }

    @Test
    void readsATypedMessage() throws IOException {
        PgReader r = reader(message('Q', new Bytes().cstring("SELECT 1").bytes()));
        assertTrue(r.next());
        assertEquals('Q', r.type());
        assertEquals(9, r.length());
        assertFalse(r.isStartupPacket());
        assertEquals("SELECT 1", r.cstring(0));
        assertEquals(9, r.cstringEnd(0));
        assertTrue(r.cstringEquals(0, "SELECT 1"));
        assertFalse(r.cstringEquals(0, "SELECT 2"));
        assertFalse(r.next()); // clean end of stream
        assertEquals(0, r.length());
    }

    @Test
    void readsFixedFieldsBigEndian() throws IOException {
        byte[] payload = new Bytes().int32(0x01020304).int16(0xfffe).b('T').int32(-2).bytes();
        PgReader r = reader(message('K', payload));
        assertTrue(r.next());
        assertEquals(0x01020304, r.int32(0));
        assertEquals((short) -2, r.int16(4));
        assertEquals('T', r.byteAt(6));
        assertEquals(-2, r.int32(7));
        assertThrows(IndexOutOfBoundsException.class, () -> r.int32(8));
        assertThrows(IndexOutOfBoundsException.class, () -> r.int16(10));
        assertThrows(IndexOutOfBoundsException.class, () -> r.byteAt(11));
        assertThrows(IndexOutOfBoundsException.class, () -> r.byteAt(-1));
        r.require(7, 4);
        ProtocolException e = assertThrows(ProtocolException.class, () -> r.require(8, 4));
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.sqlState());
        assertTrue(e.getMessage().contains("'K'"), e.getMessage());
    }

    @Test
    void readsManyMessagesFromATricklingStreamIncludingEmptyAndLargeOnes() throws IOException {
        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31 + 7);
        byte[] data = concat(
                message('1', new byte[0]),
                message('D', big),
                message('Z', new byte[] {'I'}),
                message('d', Arrays.copyOf(big, 9000)),
                message('S', new byte[0]));
        for (long seed = 0; seed < 5; seed++) {
            PgReader r = new PgReader(Bytes.trickle(data, seed), 200_000);
            assertTrue(r.next());
            assertEquals('1', r.type());
            assertEquals(0, r.length());
            assertTrue(r.next());
            assertEquals('D', r.type());
            assertArrayEquals(big, Arrays.copyOf(r.payload(), r.length()));
            assertTrue(r.next());
            assertEquals('Z', r.type());
            assertEquals('I', r.byteAt(0));
            assertTrue(r.next());
            assertEquals(9000, r.length());
            assertArrayEquals(Arrays.copyOf(big, 9000), Arrays.copyOf(r.payload(), 9000));
            assertTrue(r.next());
            assertEquals('S', r.type());
            assertFalse(r.next());
        }
    }

    @Test
    void helpersNeverReadStaleBytesOfALongerEarlierMessage() throws IOException {
        PgReader r = reader(concat(message('D', new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 0}), message('Z', new byte[] {'I'})));
        assertTrue(r.next());
        assertTrue(r.next());
        assertEquals(1, r.length());
        assertThrows(IndexOutOfBoundsException.class, () -> r.int32(0));
        assertThrows(ProtocolException.class, () -> r.cstring(0)); // the old NUL at 8 is not ours
    }

    @Test
    void readsAStartupPacketWithParameters() throws IOException {
        byte[] body = new Bytes().int32(Protocol.PROTOCOL_3_0)
                .cstring("user").cstring("alice")
                .cstring("database").cstring("shop")
                .cstring("application_name").cstring("caf\u00e9 \u2615")
                .cstring("options").cstring("")
                .b(0).bytes();
        byte[] packet = new Bytes().int32(body.length + 4).raw(body).bytes();
        PgReader r = new PgReader(Bytes.trickle(packet, 1), 1 << 20);
        assertEquals(Protocol.PROTOCOL_3_0, r.nextStartup());
        assertTrue(r.isStartupPacket());
        assertEquals(0, r.type());
        assertEquals(body.length, r.length());
        Map<String, String> params = r.startupParameters();
        assertEquals(Map.of("user", "alice", "database", "shop", "application_name", "caf\u00e9 \u2615",
                "options", ""), params);
        assertEquals(List.of("user", "database", "application_name", "options"), List.copyOf(params.keySet()));
        assertEquals(-1, r.nextStartup()); // clean end of stream
    }

    @Test
    void readsSslRequestThenTheStartupPacketThenTypedMessages() throws IOException {
        byte[] data = concat(
                new Bytes().b(0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f).bytes(), // SSLRequest as on the wire
                new Bytes().int32(15).int32(Protocol.PROTOCOL_3_0).cstring("user").cstring("").b(0).bytes(),
                message('X', new byte[0]));
        PgReader r = reader(data);
        assertEquals(Protocol.SSL_REQUEST, r.nextStartup());
        assertEquals(80877103, Protocol.SSL_REQUEST);
        assertThrows(ProtocolException.class, r::startupParameters); // not a 3.0 startup packet
        assertEquals(Protocol.PROTOCOL_3_0, r.nextStartup());
        assertEquals(Map.of("user", ""), r.startupParameters());
        assertTrue(r.next());
        assertEquals('X', r.type());
        assertFalse(r.isStartupPacket());
        assertThrows(ProtocolException.class, r::startupParameters);
    }

    @Test
    void readsCancelAndGssEncRequests() throws IOException {
        PgReader r = reader(concat(
                new Bytes().int32(16).int32(Protocol.CANCEL_REQUEST).int32(4242).int32(-123456789).bytes(),
                new Bytes().int32(8).int32(Protocol.GSSENC_REQUEST).bytes()));
        assertEquals(80877102, r.nextStartup());
        assertEquals(12, r.length());
        assertEquals(4242, r.int32(4));
        assertEquals(-123456789, r.int32(8));
        assertEquals(80877104, r.nextStartup());
        assertEquals(-1, r.nextStartup());
    }

    @Test
    void lengthBelowFourIsAProtocolViolation() {
        PgReader r = reader(new Bytes().b('Q').int32(3).b(0, 0, 0).bytes());
        ProtocolException e = assertThrows(ProtocolException.class, r::next);
        assertEquals("08P01", e.sqlState());
        assertTrue(e.getMessage().contains("'Q'") && e.getMessage().contains("3"), e.getMessage());

        PgReader negative = reader(new Bytes().b('D').int32(-1).bytes());
        ProtocolException n = assertThrows(ProtocolException.class, negative::next);
        assertTrue(n.getMessage().contains("'D'") && n.getMessage().contains("-1"), n.getMessage());
    }

    @Test
    void lengthAboveTheMaximumIsAProtocolViolation() throws IOException {
        PgReader r = new PgReader(new ByteArrayInputStream(concat(
                message('P', new byte[96]), // length 100: the limit, accepted
                new Bytes().b('P').int32(101).raw(new byte[97]).bytes())), 100);
        assertTrue(r.next());
        ProtocolException e = assertThrows(ProtocolException.class, r::next);
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.sqlState());
        assertTrue(e.getMessage().contains("'P'") && e.getMessage().contains("101"), e.getMessage());

        PgReader odd = new PgReader(new ByteArrayInputStream(new Bytes().b(1).int32(1000).bytes()), 100);
        ProtocolException o = assertThrows(ProtocolException.class, odd::next);
        assertTrue(o.getMessage().contains("0x01") && o.getMessage().contains("1000"), o.getMessage());
    }

    @Test
    void startupPacketLengthChecks() {
        for (int len : new int[] {0, 3, 4, 7, 10001, -5, Integer.MAX_VALUE}) {
            PgReader r = reader(new Bytes().int32(len).int32(Protocol.PROTOCOL_3_0).raw(new byte[64]).bytes());
            ProtocolException e = assertThrows(ProtocolException.class, r::nextStartup, "length " + len);
            assertTrue(e.getMessage().contains(Integer.toString(len)), e.getMessage());
            assertEquals(SqlState.PROTOCOL_VIOLATION, e.sqlState());
        }
        // exactly 10000 is allowed
        byte[] body = new byte[10000 - 4];
        body[1] = 3; // protocol 3.0 in the first int32
        assertEquals(Protocol.PROTOCOL_3_0, assertNoThrow(() -> reader(new Bytes().int32(10000).raw(body).bytes())
                .nextStartup()));
    }

    interface IoCall<T> {
        T call() throws IOException;
    }

    static <T> T assertNoThrow(IoCall<T> c) {
        try {
            return c.call();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void streamEndingInsideAMessageIsAnEofException() {
        byte[] whole = message('Q', new Bytes().cstring("SELECT 1").bytes());
        for (int cut = 1; cut < whole.length; cut++) {
            PgReader r = new PgReader(Bytes.trickle(Arrays.copyOf(whole, cut), cut), 1000);
            IOException e = assertThrows(IOException.class, r::next, "cut at " + cut);
            assertInstanceOf(EOFException.class, e);
            assertFalse(e instanceof ProtocolException);
        }
        byte[] startup = new Bytes().int32(16).int32(Protocol.CANCEL_REQUEST).int32(1).int32(2).bytes();
        for (int cut = 1; cut < startup.length; cut++) {
            PgReader r = reader(Arrays.copyOf(startup, cut));
            assertThrows(EOFException.class, r::nextStartup, "cut at " + cut);
        }
    }

    @Test
    void cleanEndOfStream() throws IOException {
        assertFalse(reader(new byte[0]).next());
        assertEquals(-1, reader(new byte[0]).nextStartup());
        PgReader r = reader(message('Z', new byte[] {'I'}));
        assertTrue(r.next());
        assertFalse(r.next());
        assertFalse(r.next());
    }

    @Test
    void unterminatedStringsAreProtocolViolations() throws IOException {
        PgReader r = reader(message('Q', new byte[] {'a', 'b', 'c'}));
        assertTrue(r.next());
        ProtocolException e = assertThrows(ProtocolException.class, () -> r.cstring(0));
        assertTrue(e.getMessage().contains("'Q'"), e.getMessage());
        assertThrows(ProtocolException.class, () -> r.cstringEnd(1));
        assertThrows(ProtocolException.class, () -> r.cstring(3)); // at the end
        assertThrows(ProtocolException.class, () -> r.cstring(-1));

        PgReader empty = reader(message('P', new byte[] {0, 'x', 0}));
        assertTrue(empty.next());
        assertEquals("", empty.cstring(0));
        assertEquals(1, empty.cstringEnd(0));
        assertEquals("x", empty.cstring(1));
        assertEquals(3, empty.cstringEnd(1));
    }

    @Test
    void malformedStartupParametersAreProtocolViolations() throws IOException {
        List<byte[]> bodies = List.of(
                new Bytes().cstring("user").cstring("alice").bytes(), // no terminator
                new Bytes().cstring("user").bytes(), // name without a value
                new Bytes().cstring("user").b('a', 'l').bytes(), // value without its NUL
                new Bytes().b('u', 's').bytes(), // name without its NUL
                new Bytes().cstring("user").cstring("alice").b(0).b(0).bytes(), // terminator not last
                new Bytes().b(0).cstring("user").cstring("alice").bytes()); // terminator first, then more
        for (byte[] body : bodies) {
            byte[] packet = new Bytes().int32(body.length + 8).int32(Protocol.PROTOCOL_3_0).raw(body).bytes();
            PgReader r = reader(packet);
            assertEquals(Protocol.PROTOCOL_3_0, r.nextStartup());
            ProtocolException e = assertThrows(ProtocolException.class, r::startupParameters);
            assertTrue(e.getMessage().contains("startup packet"), e.getMessage());
        }
        // An empty list is fine: just the terminator.
        PgReader r = reader(new Bytes().int32(9).int32(Protocol.PROTOCOL_3_0).b(0).bytes());
        r.nextStartup();
        assertEquals(Map.of(), r.startupParameters());
    }

    @Test
    void theReaderBuffersForItselfAndReportsWhatIsBuffered() throws IOException {
        int[] reads = {0};
        byte[] data = concat(message('1', new byte[0]), message('2', new byte[0]), message('Z', new byte[] {'I'}));
        InputStream counting = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                reads[0]++;
                return super.read(b, off, len);
            }

            @Override
            public synchronized int read() {
                throw new AssertionError("byte-at-a-time read");
            }
        };
        PgReader r = new PgReader(counting, 1000);
        assertTrue(r.next());
        assertEquals(data.length - 5, r.buffered());
        assertTrue(r.next());
        assertTrue(r.next());
        assertEquals(0, r.buffered());
        assertEquals(1, reads[0]); // one read for three messages
    }

    @Test
    void trimShrinksAnOutsizedPayloadBuffer() throws IOException {
        PgReader r = reader(concat(message('D', new byte[500_000]), message('Z', new byte[] {'T'})));
        assertTrue(r.next());
        assertTrue(r.payload().length >= 500_000);
        r.trimPayloadBuffer(8192); // current message too large: kept
        assertTrue(r.payload().length >= 500_000);
        assertTrue(r.next());
        r.trimPayloadBuffer(8192);
        assertEquals(8192, r.payload().length);
        assertEquals('T', r.byteAt(0));
    }

    @Test
    void constructorRejectsAUselessMaximum() {
        assertThrows(IllegalArgumentException.class, () -> new PgReader(new ByteArrayInputStream(new byte[0]), 3));
    }
}
