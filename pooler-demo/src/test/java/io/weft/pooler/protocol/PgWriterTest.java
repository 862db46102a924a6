package io.weft.pooler.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class PgWriterTest {
    /** Writes with {@code write}, flushes, and returns a reader over the bytes. */
    static PgReader roundTrip(Consumer<PgWriter> write) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgWriter w = new PgWriter(out);
        write.accept(w);
        w.flush();
        return new PgReader(new ByteArrayInputStream(out.toByteArray()), 1 << 24);
    }

    static PgReader one(Consumer<PgWriter> write, char type, int length) throws IOException {
        PgReader r = roundTrip(write);
        assertTrue(r.next());
        assertEquals((byte) type, r.type());
        assertEquals(length, r.length());
        return r;
    }

    static byte[] bytes(PgReader r, int from) {
        return Arrays.copyOfRange(r.payload(), from, r.length());
    }

    static void assertEnd(PgReader r) throws IOException {
        assertFalse(r.next(), "more bytes than the messages written");
    }

    @Test
    void errorAndNoticeResponses() throws IOException {
        PgReader r = roundTrip(w -> {
            w.errorResponse("FATAL", SqlState.TOO_MANY_CONNECTIONS, "sorry, too many clients already");
            w.noticeResponse("WARNING", "01000", "caf\u00e9");
            w.errorResponse("ERROR", SqlState.INVALID_SQL_STATEMENT_NAME, "m", "some detail", null);
        });
        assertTrue(r.next());
        assertEquals('E', r.type());
        assertEquals(List.of("SFATAL", "VFATAL", "C53300", "Msorry, too many clients already"), fields(r));
        assertTrue(r.next());
        assertEquals('N', r.type());
        assertEquals(List.of("SWARNING", "VWARNING", "C01000", "Mcaf\u00e9"), fields(r));
        assertTrue(r.next());
        assertEquals(List.of("SERROR", "VERROR", "C26000", "Mm", "Dsome detail"), fields(r));
        assertEnd(r);
    }

    /** The fields of an ErrorResponse/NoticeResponse, checking the final terminator. */
    static List<String> fields(PgReader r) throws ProtocolException {
        java.util.ArrayList<String> fields = new java.util.ArrayList<>();
        int off = 0;
        while (r.byteAt(off) != 0) {
            fields.add(r.cstring(off));
            off = r.cstringEnd(off);
        }
        assertEquals(r.length() - 1, off, "terminator must be the last byte");
        return fields;
    }

    @Test
    void authenticationRequests() throws IOException {
        PgReader r = roundTrip(w -> {
            w.authenticationOk();
            w.authenticationCleartextPassword();
            w.authenticationMd5Password(new byte[] {9, 8, 7, 6});
            w.authenticationSasl("SCRAM-SHA-256", "SCRAM-SHA-256-PLUS");
            w.authenticationSaslContinue("r=abc,s=c2FsdA==,i=4096".getBytes(StandardCharsets.UTF_8));
            w.authenticationSaslFinal("v=xyz".getBytes(StandardCharsets.UTF_8));
        });
        assertTrue(r.next());
        assertEquals('R', r.type());
        assertEquals(4, r.length());
        assertEquals(Protocol.AUTH_OK, r.int32(0));
        assertTrue(r.next());
        assertEquals(Protocol.AUTH_CLEARTEXT, r.int32(0));
        assertEquals(4, r.length());
        assertTrue(r.next());
        assertEquals(Protocol.AUTH_MD5, r.int32(0));
        assertArrayEquals(new byte[] {9, 8, 7, 6}, bytes(r, 4));
        assertTrue(r.next());
        assertEquals(Protocol.AUTH_SASL, r.int32(0));
        assertEquals("SCRAM-SHA-256", r.cstring(4));
        int next = r.cstringEnd(4);
        assertEquals("SCRAM-SHA-256-PLUS", r.cstring(next));
        assertEquals(r.length() - 1, r.cstringEnd(next)); // then the empty terminator, last
        assertEquals(0, r.byteAt(r.length() - 1));
        assertTrue(r.next());
        assertEquals(Protocol.AUTH_SASL_CONTINUE, r.int32(0));
        assertEquals("r=abc,s=c2FsdA==,i=4096", new String(bytes(r, 4), StandardCharsets.UTF_8));
        assertTrue(r.next());
        assertEquals(Protocol.AUTH_SASL_FINAL, r.int32(0));
        assertEquals("v=xyz", new String(bytes(r, 4), StandardCharsets.UTF_8));
        assertEnd(r);

        assertThrows(IllegalArgumentException.class, () -> new PgWriter(OutputStream.nullOutputStream())
                .authenticationMd5Password(new byte[5]));
    }

    @Test
    void backendStatusMessages() throws IOException {
        PgReader r = roundTrip(w -> {
            w.parameterStatus("server_version", "15.8");
            w.backendKeyData(31337, -99);
            w.readyForQuery(Protocol.TX_IN_TRANSACTION);
            w.parseComplete();
            w.bindComplete();
            w.closeComplete();
            w.noData();
            w.emptyQueryResponse();
            w.commandComplete("SELECT 1");
            w.negotiateProtocolVersion(0, "_pq_.foo");
        });
        assertTrue(r.next());
        assertEquals('S', r.type());
        assertEquals("server_version", r.cstring(0));
        assertEquals("15.8", r.cstring(r.cstringEnd(0)));
        assertEquals(r.length(), r.cstringEnd(r.cstringEnd(0)));
        assertTrue(r.next());
        assertEquals('K', r.type());
        assertEquals(8, r.length());
        assertEquals(31337, r.int32(0));
        assertEquals(-99, r.int32(4));
        assertTrue(r.next());
        assertEquals('Z', r.type());
        assertEquals(1, r.length());
        assertEquals('T', r.byteAt(0));
        for (char t : new char[] {'1', '2', '3', 'n', 'I'}) {
            assertTrue(r.next());
            assertEquals((byte) t, r.type());
            assertEquals(0, r.length());
        }
        assertTrue(r.next());
        assertEquals('C', r.type());
        assertEquals("SELECT 1", r.cstring(0));
        assertTrue(r.next());
        assertEquals('v', r.type());
        assertEquals(Protocol.PROTOCOL_3_0, r.int32(0));
        assertEquals(1, r.int32(4));
        assertEquals("_pq_.foo", r.cstring(8));
        assertEnd(r);
    }

    @Test
    void startupMessageRoundTripsThroughNextStartup() throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "\u00fcber");
        params.put("database", "db \ud83d\ude00");
        params.put("application_name", "");
        PgReader r = roundTrip(w -> w.startupMessage(params));
        assertEquals(Protocol.PROTOCOL_3_0, r.nextStartup());
        assertEquals(params, r.startupParameters());
        assertEquals(List.copyOf(params.keySet()), List.copyOf(r.startupParameters().keySet()));
        assertEquals(-1, r.nextStartup());

        assertThrows(IllegalArgumentException.class, () -> new PgWriter(OutputStream.nullOutputStream())
                .startupMessage(Map.of("", "x")));
    }

    @Test
    void untypedRequests() throws IOException {
        PgReader r = roundTrip(w -> {
            w.sslRequest();
            w.cancelRequest(1234, 0xcafebabe);
        });
        assertEquals(Protocol.SSL_REQUEST, r.nextStartup());
        assertEquals(4, r.length());
        assertEquals(Protocol.CANCEL_REQUEST, r.nextStartup());
        assertEquals(12, r.length());
        assertEquals(1234, r.int32(4));
        assertEquals(0xcafebabe, r.int32(8));
        assertEquals(-1, r.nextStartup());
    }

    @Test
    void passwordAndSaslMessages() throws IOException {
        PgReader r = roundTrip(w -> {
            w.passwordMessage("md5bb41a296aab6baccb36ff243a562abff");
            w.passwordMessage("s\u00e9cret".getBytes(StandardCharsets.UTF_8));
            w.passwordMessage("s\u00e9cret\0".getBytes(StandardCharsets.UTF_8));
            w.saslInitialResponse("SCRAM-SHA-256", "n,,n=,r=abc".getBytes(StandardCharsets.UTF_8));
            w.saslInitialResponse("SCRAM-SHA-256", null);
            w.saslResponse("c=biws,r=abc,p=xyz".getBytes(StandardCharsets.UTF_8));
        });
        assertTrue(r.next());
        assertEquals('p', r.type());
        assertEquals("md5bb41a296aab6baccb36ff243a562abff", r.cstring(0));
        assertEquals(r.length(), r.cstringEnd(0));
        for (int i = 0; i < 2; i++) { // with or without the NUL given: the same message
            assertTrue(r.next());
            assertEquals("s\u00e9cret", r.cstring(0));
            assertEquals(r.length(), r.cstringEnd(0));
        }
        assertTrue(r.next());
        assertEquals("SCRAM-SHA-256", r.cstring(0));
        int at = r.cstringEnd(0);
        assertEquals(11, r.int32(at));
        assertEquals("n,,n=,r=abc", new String(bytes(r, at + 4), StandardCharsets.UTF_8));
        assertTrue(r.next());
        assertEquals(-1, r.int32(r.cstringEnd(0)));
        assertEquals(r.length(), r.cstringEnd(0) + 4);
        assertTrue(r.next());
        assertEquals('p', r.type());
        assertEquals("c=biws,r=abc,p=xyz", new String(bytes(r, 0), StandardCharsets.UTF_8));
        assertEnd(r);
    }

    @Test
    void extendedQueryMessages() throws IOException {
        PgReader r = roundTrip(w -> {
            w.query("SELECT '\u20ac'");
            w.parse("", "SELECT 1");
            w.parse("s1", "SELECT $1, $2", 23, 0);
            w.parse("s2", "SELECT $1", new byte[] {99, 0, 1, 0, 0, 0, 25, 99}, 1, 6);
            w.bind("p", "s1");
            w.describe((byte) 'S', "s1");
            w.execute("p", 10);
            w.closeStatement("s1");
            w.closePortal("p");
            w.flushMessage();
            w.sync();
            w.terminate();
        });
        assertTrue(r.next());
        assertEquals('Q', r.type());
        assertEquals("SELECT '\u20ac'", r.cstring(0));
        assertEquals(r.length(), r.cstringEnd(0));

        assertTrue(r.next());
        assertEquals('P', r.type());
        assertEquals("", r.cstring(0));
        assertEquals("SELECT 1", r.cstring(1));
        int at = r.cstringEnd(1);
        assertEquals(0, r.int16(at));
        assertEquals(r.length(), at + 2);

        assertTrue(r.next());
        assertEquals("s1", r.cstring(0));
        at = r.cstringEnd(r.cstringEnd(0));
        assertEquals(2, r.int16(at));
        assertEquals(23, r.int32(at + 2));
        assertEquals(0, r.int32(at + 6));
        assertEquals(r.length(), at + 10);

        assertTrue(r.next());
        assertEquals("s2", r.cstring(0));
        at = r.cstringEnd(r.cstringEnd(0));
        assertEquals(1, r.int16(at));
        assertEquals(25, r.int32(at + 2));
        assertEquals(r.length(), at + 6);

        assertTrue(r.next());
        assertEquals('B', r.type());
        assertEquals("p", r.cstring(0));
        assertEquals("s1", r.cstring(2));
        assertArrayEquals(new byte[6], bytes(r, 5));

        assertTrue(r.next());
        assertEquals('D', r.type());
        assertEquals('S', r.byteAt(0));
        assertEquals("s1", r.cstring(1));

        assertTrue(r.next());
        assertEquals('E', r.type());
        assertEquals("p", r.cstring(0));
        assertEquals(10, r.int32(2));
        assertEquals(6, r.length());

        assertTrue(r.next());
        assertEquals('C', r.type());
        assertEquals('S', r.byteAt(0));
        assertEquals("s1", r.cstring(1));
        assertTrue(r.next());
        assertEquals('C', r.type());
        assertEquals('P', r.byteAt(0));
        assertEquals("p", r.cstring(1));

        for (char t : new char[] {'H', 'S', 'X'}) {
            assertTrue(r.next());
            assertEquals((byte) t, r.type());
            assertEquals(0, r.length());
        }
        assertEnd(r);

        PgWriter w = new PgWriter(OutputStream.nullOutputStream());
        assertThrows(IllegalArgumentException.class, () -> w.describe((byte) 'X', "s"));
        assertThrows(IllegalArgumentException.class, () -> w.close((byte) 'x', "s"));
    }

    @Test
    void stringsAreUtf8LikeTheJdkEncodesThem() throws IOException {
        String s = "a\u00e9\u20ac\ud83d\ude00z\u07ff\u0800\uffff";
        PgReader r = one(w -> w.query(s), 'Q', s.getBytes(StandardCharsets.UTF_8).length + 1);
        assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), Arrays.copyOf(r.payload(), r.length() - 1));
        assertEquals(s, r.cstring(0));
        PgReader lone = one(w -> w.query("x\ud800y\udc00"), 'Q', 5);
        assertEquals("x?y?", lone.cstring(0));
    }

    @Test
    void aStringWithNulIsRejectedAndTheWriterStaysUsable() throws IOException {
        PgReader r = roundTrip(w -> {
            w.readyForQuery(Protocol.TX_IDLE);
            assertThrows(IllegalArgumentException.class, () -> w.query("SELECT 1\0; DROP TABLE x"));
            assertThrows(IllegalArgumentException.class, () -> w.errorResponse("ERROR", "XX000", "a\0b"));
            assertThrows(IllegalArgumentException.class, () -> w.authenticationSasl("SCRAM-SHA-256", ""));
            w.sync();
        });
        assertTrue(r.next());
        assertEquals('Z', r.type());
        assertTrue(r.next());
        assertEquals('S', r.type());
        assertEnd(r);
    }

    @Test
    void forwardCopiesTypedMessagesAndStartupPackets() throws IOException {
        byte[] original = Bytes.concat(
                new Bytes().int32(16).int32(Protocol.PROTOCOL_3_0).cstring("user").cstring("u").b(0).bytes(),
                Bytes.message('Q', new Bytes().cstring("SELECT 2").bytes()),
                Bytes.message('D', new byte[70_000]),
                Bytes.message('X', new byte[0]));
        PgReader in = new PgReader(new ByteArrayInputStream(original), 1 << 20);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgWriter w = new PgWriter(out, 1024);
        assertEquals(Protocol.PROTOCOL_3_0, in.nextStartup());
        w.forward(in);
        while (in.next()) w.forward(in);
        w.flush();
        assertArrayEquals(original, out.toByteArray());
    }

    @Test
    void writeAndWriteRaw() throws IOException {
        byte[] payload = new byte[300_000];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i ^ i >>> 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgWriter w = new PgWriter(out, 64);
        w.write((byte) 'd', payload, 10, 100); // fits
        w.write((byte) 'd', payload, 0, payload.length); // goes straight to the stream
        byte[] kept = Bytes.message('Z', new byte[] {'I'});
        w.writeRaw(kept, 0, kept.length);
        w.writeRaw(payload, 0, 0);
        w.flush();
        PgReader r = new PgReader(new ByteArrayInputStream(out.toByteArray()), 1 << 20);
        assertTrue(r.next());
        assertArrayEquals(Arrays.copyOfRange(payload, 10, 110), Arrays.copyOf(r.payload(), r.length()));
        assertTrue(r.next());
        assertArrayEquals(payload, Arrays.copyOf(r.payload(), r.length()));
        assertTrue(r.next());
        assertEquals('Z', r.type());
        assertEnd(r);
        assertThrows(IndexOutOfBoundsException.class, () -> w.write((byte) 'd', payload, payload.length, 1));
    }

    @Test
    void manyMessagesBetweenFlushesKeepTheBufferBoundedAndInOrder() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgWriter w = new PgWriter(out, 1024);
        String longQuery = "SELECT '" + "x".repeat(5000) + "'";
        for (int i = 0; i < 10_000; i++) {
            if (i % 1000 == 0) {
                w.query(longQuery); // outsized: grows the buffer for one message
            } else {
                w.parameterStatus("n" + i, "v");
                assertTrue(w.buffered() <= 1024, "buffered " + w.buffered());
            }
        }
        assertTrue(out.size() > 0, "complete messages should have gone out before the flush");
        w.flush();
        assertEquals(0, w.buffered());
        PgReader r = new PgReader(new ByteArrayInputStream(out.toByteArray()), 1 << 20);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(r.next());
            if (i % 1000 == 0) {
                assertEquals(longQuery, r.cstring(0));
            } else {
                assertEquals("n" + i, r.cstring(0));
            }
        }
        assertEnd(r);
    }

    @Test
    void nothingReachesTheStreamBeforeFlushWhileItFits() throws IOException {
        int[] flushes = {0};
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void flush() {
                flushes[0]++;
            }
        };
        PgWriter w = new PgWriter(out);
        w.authenticationOk();
        w.readyForQuery(Protocol.TX_IDLE);
        assertEquals(0, out.size());
        assertEquals(15, w.buffered());
        w.flush();
        assertEquals(15, out.size());
        assertEquals(1, flushes[0]);
    }

    @Test
    void aFailedWriteIsThrownByTheNextFlush() {
        IOException broken = new IOException("Broken pipe");
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw broken;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw broken;
            }
        };
        PgWriter w = new PgWriter(failing, 64);
        for (int i = 0; i < 1000; i++) w.query("SELECT " + i); // spills fail quietly
        assertSame(broken, w.error());
        assertSame(broken, assertThrows(IOException.class, w::flush));
        assertEquals(0, w.buffered());
        w.sync();
        assertSame(broken, assertThrows(IOException.class, w::flush));

        PgWriter small = new PgWriter(failing);
        small.sync();
        assertNull(small.error());
        assertSame(broken, assertThrows(IOException.class, small::flush));
        assertSame(broken, small.error());
    }

    @Test
    void relayingMessagesAllocatesNothingPerMessage() throws IOException {
        byte[] payload = new Bytes().cstring("SELECT 1").bytes();
        byte[] one = Bytes.message('Q', payload);
        int count = 20_000;
        byte[] data = new byte[one.length * count];
        for (int i = 0; i < count; i++) System.arraycopy(one, 0, data, i * one.length, one.length);
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();

        long[] allocated = new long[3];
        for (int round = 0; round < 3; round++) { // the first rounds warm up
            PgReader r = new PgReader(new ByteArrayInputStream(data), 1 << 20);
            PgWriter w = new PgWriter(OutputStream.nullOutputStream());
            long before = bean.getThreadAllocatedBytes(tid);
            int n = 0;
            while (r.next()) {
                w.forward(r);
                w.readyForQuery(Protocol.TX_IDLE);
                w.errorResponse("ERROR", SqlState.QUERY_CANCELED, "canceling statement due to user request");
                if (w.buffered() > 8192) w.flush();
                n++;
            }
            w.flush();
            allocated[round] = bean.getThreadAllocatedBytes(tid) - before;
            assertEquals(count, n);
        }
        // The reader's and writer's buffers, a few hundred bytes of bookkeeping; not bytes per message.
        assertTrue(allocated[2] < 64 * 1024, "allocated " + allocated[2] + " bytes for " + count + " messages");
    }
}
