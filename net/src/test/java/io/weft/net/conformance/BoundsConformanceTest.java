package io.weft.net.conformance;

import java.io.InputStream;
import java.io.OutputStream;

/** Argument checks of the streams: offsets and lengths out of range, null buffers, zero lengths. */
@ConformanceSuite
class BoundsConformanceTest {

    @ConformanceTest
    void readChecksItsArguments(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            InputStream in = p.clientIn();
            byte[] ten = new byte[10];
            // The JDK's messages come from Objects.checkFromIndexSize: class only.
            c.expectThrows("read(b, -1, 1)", IndexOutOfBoundsException.class, null, () -> in.read(ten, -1, 1));
            c.expectThrows("read(b, 0, -1)", IndexOutOfBoundsException.class, null, () -> in.read(ten, 0, -1));
            c.expectThrows("read(b, 5, 10)", IndexOutOfBoundsException.class, null, () -> in.read(ten, 5, 10));
            c.expectThrows("read(b, 11, 0)", IndexOutOfBoundsException.class, null, () -> in.read(ten, 11, 0));
            c.expectThrows("read(null, 0, 1)", NullPointerException.class, null, () -> in.read(null, 0, 1));
            // With nothing to read, a zero-length read must return at once rather than block.
            c.expect("read(b, 0, 0) with nothing to read", 0, () -> in.read(ten, 0, 0));
            c.expect("read(b, 10, 0)", 0, () -> in.read(ten, 10, 0));
            c.expect("read(new byte[0])", 0, () -> in.read(new byte[0]));
            p.serverOut().write(new byte[] {1, 2, 3});
            c.expect("read(b, 8, 2) reads into the end of the array", 2, () -> in.readNBytes(ten, 8, 2));
            c.expect("the array", "[0, 0, 0, 0, 0, 0, 0, 0, 1, 2]", () -> java.util.Arrays.toString(ten));
            c.expect("the stream is still fine after the refusals", 3, in::read);
        });
    }

    @ConformanceTest
    void writeChecksItsArguments(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            OutputStream out = p.clientOut();
            byte[] ten = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            c.expectThrows("write(b, -1, 1)", IndexOutOfBoundsException.class, null, () -> write(out, ten, -1, 1));
            c.expectThrows("write(b, 0, -1)", IndexOutOfBoundsException.class, null, () -> write(out, ten, 0, -1));
            c.expectThrows("write(b, 5, 10)", IndexOutOfBoundsException.class, null, () -> write(out, ten, 5, 10));
            c.expectThrows("write(null, 0, 1)", NullPointerException.class, null, () -> write(out, null, 0, 1));
            c.expect("write(b, 0, 0)", "ok", () -> write(out, ten, 0, 0));
            c.expect("write(b, 7, 3)", "ok", () -> write(out, ten, 7, 3));
            p.client().shutdownOutput();
            c.expect("the peer gets only the valid write", "[7, 8, 9]",
                    () -> java.util.Arrays.toString(p.serverIn().readAllBytes()));
        });
    }

    private static String write(OutputStream out, byte[] b, int off, int len) throws Exception {
        out.write(b, off, len);
        return "ok";
    }
}
