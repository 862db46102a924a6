package io.weft.bench.echo;

import io.weft.net.NetMode;
import io.weft.net.WeftServerSocket;
import io.weft.poller.Backend;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Locale;

/**
 * Weft's echo: {@link WeftServerSocket} with every connection (and the accepting loop) on a
 * virtual thread of a {@link WeftScheduler}. The JVM's {@code weft.backend}, {@code weft.carriers}
 * and {@code weft.net.mode} properties pick io_uring or epoll and completion or readiness I/O.
 */
final class WeftEchoServer {
    private WeftEchoServer() {}

    static EchoService start(int port, int backlog, int bufferSize) throws IOException {
        WeftScheduler weft = WeftScheduler.start();
        try {
            ServerSocket listener = new WeftServerSocket(port, backlog, InetAddress.getLoopbackAddress());
            Backend backend = weft.pollerBackend();
            // On epoll Weft's sockets wait for readiness whatever weft.net.mode says.
            String mode = backend == Backend.IO_URING ? NetMode.current().name().toLowerCase(Locale.ROOT)
                    + (NetMode.current() == NetMode.COMPLETION && NetMode.sendFirst() ? " (send first)" : "") : "readiness";
            // Required SQPOLL (the echo bench's weft-sqpoll) fails the start if refused, so configured means in use.
            String sqPoll = backend == Backend.IO_URING && weft.config().poller().sqPoll()
                    ? " (SQPOLL, " + weft.config().poller().sqPollIdleMillis() + " ms idle)" : "";
            String description = "Weft virtual threads on " + weft.config().carriers() + " " + backend.configName()
                    + sqPoll + " carriers, " + mode + "-mode sockets";
            return new BlockingEchoServer(listener, weft::startVirtualThread, bufferSize, description, weft::close).start();
        } catch (IOException | RuntimeException e) {
            weft.close();
            throw e;
        }
    }
}
