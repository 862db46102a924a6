package io.weft.scheduler;

import io.weft.poller.Backend;
import io.weft.poller.PollerConfig;
import io.weft.poller.testkit.KqueueTesting;
import java.io.IOException;
import java.util.stream.Stream;

/**
 * Schedulers for the tests: one per backend (io_uring, epoll, kqueue). A backend that cannot run
 * here makes the test skip, saying how to enable it (kqueue on Linux: libkqueue, given by
 * {@code -Dweft.kqueue.library}).
 */
final class SchedulerFixture {
    private SchedulerFixture() {}

    static Stream<Backend> backends() {
        return Stream.of(Backend.IO_URING, Backend.EPOLL, Backend.KQUEUE);
    }

    /** The poller configuration on {@code backend}; skips the test when it cannot run here. */
    static PollerConfig pollerConfig(Backend backend) {
        KqueueTesting.assumeRuns(backend);
        return KqueueTesting.config(backend);
    }

    static SchedulerConfig config(Backend backend, int carriers) {
        return new SchedulerConfig(carriers, 4096, 32, 2000, pollerConfig(backend));
    }

    static WeftScheduler start(Backend backend) throws IOException {
        return WeftScheduler.start(config(backend, 2));
    }

    static WeftScheduler start(Backend backend, int carriers) throws IOException {
        return WeftScheduler.start(config(backend, carriers));
    }
}
