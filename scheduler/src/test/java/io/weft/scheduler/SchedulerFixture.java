package io.weft.scheduler;

import io.weft.poller.Backend;
import io.weft.poller.PollerConfig;
import java.io.IOException;
import java.util.stream.Stream;

/** Schedulers for the tests: one per backend this machine has (here: io_uring and epoll). */
final class SchedulerFixture {
    private SchedulerFixture() {}

    static Stream<Backend> backends() {
        return Stream.of(Backend.IO_URING, Backend.EPOLL);
    }

    static SchedulerConfig config(Backend backend, int carriers) {
        return new SchedulerConfig(carriers, 4096, 32, 2000, PollerConfig.defaults().withBackend(backend));
    }

    static WeftScheduler start(Backend backend) throws IOException {
        return WeftScheduler.start(config(backend, 2));
    }

    static WeftScheduler start(Backend backend, int carriers) throws IOException {
        return WeftScheduler.start(config(backend, carriers));
    }
}
