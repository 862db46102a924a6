package io.weft.poller.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.poller.Backend;
import io.weft.poller.Poller;
import io.weft.poller.PollerConfig;
import io.weft.poller.Pollers;
import io.weft.poller.testkit.KqueueTesting;
import io.weft.poller.testkit.Recorder;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;

/**
 * What every contract test class shares: a poller on {@link #backend}, opened before each test
 * on the test's own thread (io_uring rings are single-issuer) and closed after it, and a
 * {@link Recorder} for its completions.
 */
@ExtendWith(NameTheBackend.class)
abstract class PollerContract {
    static final long MS = 1_000_000L;

    @Parameter
    Backend backend;

    Poller poller;
    final Recorder rec = new Recorder();

    @BeforeEach
    void openPoller() throws IOException {
        KqueueTesting.assumeRuns(backend);
        poller = Pollers.open(backend, config());
        assertEquals(backend, poller.backend());
    }

    /** The default configuration on {@link #backend} (with the libkqueue the tests were given). */
    PollerConfig config() {
        return KqueueTesting.config(backend);
    }

    @AfterEach
    void closePoller() {
        if (poller != null) {
            poller.close();
        }
    }
}
