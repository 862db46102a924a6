package io.weft.bench.echo;

/** A running echo server inside the {@link EchoServer} process. */
interface EchoService extends AutoCloseable {
    /** The port it listens on (127.0.0.1). */
    int port();

    /** What serves the connections, for the report (threads, backend, carriers). */
    String description();

    /** Stops accepting, closes every connection and ends its threads. Idempotent. */
    @Override
    void close();
}
