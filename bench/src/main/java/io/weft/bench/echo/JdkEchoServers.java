package io.weft.bench.echo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** The JDK's own thread-per-connection echo servers: the baseline and the classic. */
final class JdkEchoServers {
    private JdkEchoServers() {}

    /** {@code java.net.ServerSocket} with each connection on a JDK virtual thread (the default scheduler). */
    static EchoService virtualThreads(int port, int backlog, int bufferSize) throws IOException {
        ServerSocket listener = new ServerSocket(port, backlog, InetAddress.getLoopbackAddress());
        String parallelism = System.getProperty("jdk.virtualThreadScheduler.parallelism",
                Integer.toString(Runtime.getRuntime().availableProcessors()));
        return new BlockingEchoServer(listener, Thread.ofVirtual().name("echo-", 0)::start, bufferSize,
                "JDK virtual threads on the default scheduler (parallelism " + parallelism + ")", () -> {}).start();
    }

    /** {@code java.net.ServerSocket} with each connection on a platform thread of its own. */
    static EchoService platformThreads(int port, int backlog, int bufferSize) throws IOException {
        ServerSocket listener = new ServerSocket(port, backlog, InetAddress.getLoopbackAddress());
        // Daemon: a thread stuck in a read must not keep the process alive after close().
        return new BlockingEchoServer(listener, Thread.ofPlatform().name("echo-", 0).daemon(true)::start, bufferSize,
                "a platform thread per connection", () -> {}).start();
    }
}
