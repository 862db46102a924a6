package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.testkit.Pinned;
import org.junit.jupiter.api.Test;

/** {@link Pinning}: true where a virtual thread cannot unmount (class initializer), false where it can. */
class PinningTest {
    @Test
    void theCheckIsOnByDefault() {
        assertTrue(Pinning.enabled());
    }

    @Test
    void aPlatformThreadIsNeverPinned() throws Exception {
        assertFalse(Pinning.isCurrentThreadPinned());
        assertFalse(Pinned.inClassInitializer(Pinning::isCurrentThreadPinned));
    }

    @Test
    void aWeftVirtualThreadIsPinnedInAClassInitializerOnly() throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(Backend.EPOLL, 1)) {
            assertFalse(PinnedThreadsTest.onWeft(weft, "plain", Pinning::isCurrentThreadPinned), "plain code");
            Object lock = new Object();
            assertFalse(PinnedThreadsTest.onWeft(weft, "synchronized", () -> {
                synchronized (lock) {
                    return Pinning.isCurrentThreadPinned();
                }
            }), "synchronized (does not pin since JDK 24)");
            assertTrue(PinnedThreadsTest.onWeft(weft, "<clinit>",
                    () -> Pinned.inClassInitializer(Pinning::isCurrentThreadPinned)), "class initializer");
            // The known blind spot: an FFM upcall's native caller is a stub, not a Java frame.
            // Should this start failing, the walk (or a JDK fix) sees upcalls: add them to the tests.
            assertFalse(PinnedThreadsTest.onWeft(weft, "upcall",
                    () -> Pinned.underNativeFrame(Pinning::isCurrentThreadPinned)), "FFM upcall (not seen)");
            assertFalse(PinnedThreadsTest.onWeft(weft, "after", Pinning::isCurrentThreadPinned), "after them");
        }
    }

    @Test
    void aJdkVirtualThreadIsPinnedInAClassInitializer() throws Exception {
        boolean[] seen = new boolean[2];
        Thread.ofVirtual().start(() -> {
            try {
                seen[0] = Pinning.isCurrentThreadPinned();
                seen[1] = Pinned.inClassInitializer(Pinning::isCurrentThreadPinned);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }).join();
        assertFalse(seen[0]);
        assertTrue(seen[1]);
    }
}
