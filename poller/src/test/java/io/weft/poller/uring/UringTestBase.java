package io.weft.poller.uring;

import io.weft.poller.Backend;
import io.weft.poller.CompletionPoller;
import io.weft.poller.PollerConfig;
import io.weft.poller.Pollers;
import io.weft.poller.sys.NativeMemory;
import io.weft.poller.testkit.Recorder;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import io.weft.poller.testkit.SqPollThreads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * An io_uring {@link CompletionPoller} opened on the test's thread before each test (the ring
 * is single-issuer) and closed after it; native buffers that tests hand to operations, freed
 * only after the ring is closed, when the kernel can no longer write to them.
 */
abstract class UringTestBase {
    static final long MS = 1_000_000L;

    CompletionPoller ring;
    final Recorder rec = new Recorder();
    private final List<MemorySegment> buffers = new ArrayList<>();
    private final List<AutoCloseable> afterRing = new ArrayList<>();

    @BeforeEach
    void openRing() throws IOException {
        ring = (CompletionPoller) Pollers.open(Backend.IO_URING, config());
    }

    /**
     * The system properties' configuration: the defaults, or with SQPOLL in the surefire
     * execution that sets {@code weft.uring.sqpoll} (poller/pom.xml), so every ring test also
     * runs on an SQPOLL ring.
     */
    PollerConfig config() {
        return PollerConfig.fromSystemProperties();
    }

    @AfterEach
    void closeRing() throws Exception {
        try {
            if (ring != null) {
                ring.close();
            }
        } finally {
            for (MemorySegment b : buffers) {
                NativeMemory.free(b);
            }
            buffers.clear();
            for (int i = afterRing.size() - 1; i >= 0; i--) {
                afterRing.get(i).close();
            }
            afterRing.clear();
        }
    }

    /**
     * No SQPOLL kernel thread outlives its ring: after every ring of the class is closed, none
     * is left (the kernel ends them asynchronously, so this waits a little).
     */
    @AfterAll
    static void noSqPollThreadLeft() throws InterruptedException {
        int left = SqPollThreads.awaitNone(5_000);
        org.junit.jupiter.api.Assertions.assertEquals(0, left, "SQPOLL threads left after every ring was closed");
    }

    /** Zeroed native memory that lives until after the ring is closed. */
    MemorySegment buffer(long size) {
        MemorySegment b = NativeMemory.allocate(size);
        buffers.add(b);
        return b;
    }

    /** A native copy of {@code bytes} that lives until after the ring is closed. */
    MemorySegment bufferOf(byte[] bytes) {
        MemorySegment b = buffer(bytes.length);
        MemorySegment.copy(bytes, 0, b, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return b;
    }

    /** Closes {@code resource} after the ring (descriptors the kernel may still be using). */
    <T extends AutoCloseable> T afterRing(T resource) {
        afterRing.add(resource);
        return resource;
    }

    static byte[] bytes(MemorySegment seg, int length) {
        return seg.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
    }

    static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }
}
