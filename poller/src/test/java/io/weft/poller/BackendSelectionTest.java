package io.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.KqueueTesting;
import io.weft.poller.testkit.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pollers.choose / open: auto picks io_uring here, falls back to epoll saying why, explicit choices are kept. */
@ExtendWith(LeakCheck.class)
class BackendSelectionTest {

    @Test
    void autoPicksIoUringOnThisKernel() throws Exception {
        BackendChoice choice = Pollers.choose(PollerConfig.defaults());
        assertEquals(Backend.IO_URING, choice.backend(), choice::toString);
        assertTrue(choice.automatic());
        try (Poller p = Pollers.open(PollerConfig.defaults())) {
            assertEquals(Backend.IO_URING, p.backend());
            assertInstanceOf(CompletionPoller.class, p);
        }
    }

    @Test
    void autoFallsBackToEpollWhenIoUringIsRefusedAndSaysWhy() throws Exception {
        PollerConfig refused = PollerConfig.defaults().withRefuseUring("EPERM");
        BackendChoice choice = Pollers.choose(refused);
        assertEquals(Backend.EPOLL, choice.backend(), choice::toString);
        assertTrue(choice.automatic());
        assertTrue(choice.reason().contains("io_uring_setup"), () -> "reason should name the failed call: " + choice.reason());
        assertTrue(choice.reason().contains("EPERM"), () -> "reason should name the errno: " + choice.reason());
        assertTrue(choice.toString().contains("epoll"), choice::toString);
        try (Poller p = Pollers.open(refused)) {
            assertEquals(Backend.EPOLL, p.backend());
        }
        // The refusal is remembered for that configuration only.
        assertEquals(Backend.IO_URING, Pollers.choose(PollerConfig.defaults()).backend());
        assertEquals(Backend.EPOLL, Pollers.choose(refused).backend());
    }

    @Test
    void otherRefusalsFallBackTooAndAreNamed() {
        for (String errno : new String[] {"ENOMEM", "ENOSYS"}) {
            BackendChoice choice = Pollers.choose(PollerConfig.defaults().withRefuseUring(errno));
            assertEquals(Backend.EPOLL, choice.backend(), choice::toString);
            assertTrue(choice.reason().contains(errno), choice::toString);
        }
    }

    @Test
    void explicitIoUringThatIsRefusedFailsNamingTheErrno() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Pollers.open(Backend.IO_URING, PollerConfig.defaults().withRefuseUring("EPERM")).close());
        assertEquals(Backend.IO_URING, e.backend());
        assertTrue(e.getMessage().contains("EPERM"), e::getMessage);
        assertTrue(e.getMessage().contains("io_uring"), e::getMessage);

        // Through the configuration too: an explicit choice never falls back.
        PollerConfig explicit = PollerConfig.defaults().withBackend(Backend.IO_URING).withRefuseUring("EPERM");
        BackendChoice choice = Pollers.choose(explicit);
        assertEquals(Backend.IO_URING, choice.backend());
        assertFalse(choice.automatic());
        BackendUnavailableException e2 = assertThrows(BackendUnavailableException.class, () -> Pollers.open(explicit).close());
        assertTrue(e2.getMessage().contains("EPERM"), e2::getMessage);
    }

    @Test
    void explicitEpollIsUsed() throws Exception {
        PollerConfig config = PollerConfig.defaults().withBackend(Backend.EPOLL);
        BackendChoice choice = Pollers.choose(config);
        assertEquals(Backend.EPOLL, choice.backend());
        assertFalse(choice.automatic());
        try (Poller p = Pollers.open(config)) {
            assertEquals(Backend.EPOLL, p.backend());
            assertFalse(p instanceof CompletionPoller, "epoll is readiness only");
        }
    }

    @Test
    void explicitKqueueWithoutALibraryFailsOnLinuxNamingTheProperty() {
        PollerConfig config = PollerConfig.defaults().withBackend(Backend.KQUEUE);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Pollers.open(config).close());
        assertEquals(Backend.KQUEUE, e.backend());
        assertTrue(e.getMessage().startsWith("kqueue is not available"), e::getMessage);
        assertTrue(e.getMessage().contains("weft.kqueue.library"), e::getMessage);
    }

    @Test
    void aKqueueLibraryThatCannotBeLoadedIsNamed() {
        PollerConfig config = PollerConfig.defaults().withBackend(Backend.KQUEUE).withKqueueLibrary("/nonexistent/libkqueue.so");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Pollers.open(config).close());
        assertTrue(e.getMessage().contains("weft.kqueue.library=/nonexistent/libkqueue.so"), e::getMessage);
    }

    @Test
    void explicitKqueueWithTheLibraryIsUsedAndAutoStaysOnLinuxBackends() throws Exception {
        KqueueTesting.assumeRuns(Backend.KQUEUE);
        PollerConfig config = KqueueTesting.config(Backend.KQUEUE);
        try (Poller p = Pollers.open(config)) {
            assertEquals(Backend.KQUEUE, p.backend());
            assertFalse(p instanceof CompletionPoller, "kqueue is readiness only");
        }
        // A library given for testing does not change what auto picks on Linux.
        assertEquals(Backend.IO_URING, Pollers.choose(config.withBackend(null)).backend());
    }
}
