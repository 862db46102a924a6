package io.weft.net.conformance;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import java.util.zip.CRC32;

/** Data integrity: large transfers both ways at once, many tiny writes and reads, many round trips. */
@ConformanceSuite
class TransferConformanceTest {
    private static final int EIGHT_MIB = 8 << 20;

    /** What a reader of one direction saw: bytes and their CRC32. */
    record Received(long bytes, long crc) {}

    @ConformanceTest
    void eightMebibytesEachWayAtOnce(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            byte[] clientData = data(1, EIGHT_MIB);
            byte[] serverData = data(2, EIGHT_MIB);
            // Four threads: neither side may wait for its own writes before reading, or both stall.
            Forked<Void> clientWriter = c.fork("client-writer", () -> writeInOddChunks(p.clientOut(), clientData, 3));
            Forked<Void> serverWriter = c.fork("server-writer", () -> writeInOddChunks(p.serverOut(), serverData, 4));
            Forked<Received> serverReader = c.fork("server-reader", () -> readAll(p.serverIn(), 5));
            Forked<Received> clientReader = c.fork("client-reader", () -> readAll(p.clientIn(), 6));
            clientWriter.join();
            p.client().shutdownOutput();
            serverWriter.join();
            p.server().shutdownOutput();
            c.expect("client to server", new Received(EIGHT_MIB, crc(clientData)), serverReader::join);
            c.expect("server to client", new Received(EIGHT_MIB, crc(serverData)), clientReader::join);
        });
    }

    @ConformanceTest
    void manySingleByteWritesAndReads(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            int count = 20_000;
            Forked<Void> writer = c.fork("writer", () -> {
                OutputStream out = p.clientOut();
                for (int i = 0; i < count; i++) out.write(i);
                p.client().shutdownOutput();
                return null;
            });
            InputStream in = p.serverIn();
            c.expect("bytes read one by one, each in order", (long) count, () -> {
                long n = 0;
                for (int b; (b = in.read()) != -1; n++) {
                    if (b != (n & 0xff)) throw new AssertionError("byte " + n + " is " + b);
                }
                return n;
            });
            c.expect("writer finished", null, writer::join);
        });
    }

    @ConformanceTest
    void manySmallRoundTrips(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            p.client().setTcpNoDelay(true);
            p.server().setTcpNoDelay(true);
            int rounds = 2000;
            Forked<Integer> echo = c.fork("echo", () -> {
                InputStream in = p.serverIn();
                OutputStream out = p.serverOut();
                byte[] msg = new byte[3];
                int n = 0;
                while (in.readNBytes(msg, 0, 3) == 3) {
                    msg[2]++;
                    out.write(msg);
                    n++;
                }
                return n;
            });
            InputStream in = p.clientIn();
            OutputStream out = p.clientOut();
            c.expect("round trips answered correctly", rounds, () -> {
                for (int i = 0; i < rounds; i++) {
                    out.write(new byte[] {(byte) i, (byte) (i >> 8), 7});
                    byte[] back = in.readNBytes(3);
                    if (back.length != 3 || back[0] != (byte) i || back[1] != (byte) (i >> 8) || back[2] != 8) {
                        throw new AssertionError("round trip " + i + " got " + java.util.Arrays.toString(back));
                    }
                }
                return rounds;
            });
            p.client().shutdownOutput();
            c.expect("echo thread's count", rounds, echo::join);
        });
    }

    static byte[] data(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static long crc(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return crc.getValue();
    }

    /** Writes in chunks of 1 byte to 100 KiB, so both small and large writes meet a full buffer. */
    static Void writeInOddChunks(OutputStream out, byte[] data, long seed) throws Exception {
        Random r = new Random(seed);
        for (int off = 0; off < data.length; ) {
            int len = Math.min(data.length - off, r.nextInt(8) == 0 ? 1 + r.nextInt(16) : 1 + r.nextInt(100 << 10));
            out.write(data, off, len);
            off += len;
        }
        return null;
    }

    /** Reads to end of stream with buffers of varying size. */
    static Received readAll(InputStream in, long seed) throws Exception {
        Random r = new Random(seed);
        byte[] buf = new byte[64 << 10];
        CRC32 crc = new CRC32();
        long total = 0;
        for (;;) {
            int want = 1 + r.nextInt(buf.length);
            int off = r.nextInt(buf.length - want + 1);
            int n = in.read(buf, off, want);
            if (n < 0) break;
            if (n == 0) throw new AssertionError("read of " + want + " bytes returned 0");
            crc.update(buf, off, n);
            total += n;
        }
        return new Received(total, crc.getValue());
    }
}
