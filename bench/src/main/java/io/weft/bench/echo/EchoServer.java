package io.weft.bench.echo;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * One echo server in a JVM of its own, started by {@link EchoBench}:
 * {@code EchoServer --impl IMPL --port P [--size BYTES] [--backlog N]}.
 *
 * <p>Listens on 127.0.0.1 (port 0: any free one), prints
 * {@code ECHO-SERVER-READY port=P pid=PID impl=IMPL threads=DESCRIPTION} when it accepts, and
 * stops cleanly (exit 0) when its standard input ends, which is how the harness tells it to,
 * and also happens when the harness dies, or on SIGTERM/SIGINT.
 */
public final class EchoServer {
    static final String READY = "ECHO-SERVER-READY";

    private EchoServer() {}

    public static void main(String[] args) throws Exception {
        Impl impl = null;
        int port = 0;
        int size = 4096;
        int backlog = 16384;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--impl" -> impl = Impl.parse(value(args, ++i, a));
                    case "--port" -> port = Integer.parseInt(value(args, ++i, a));
                    case "--size" -> size = Integer.parseInt(value(args, ++i, a));
                    case "--backlog" -> backlog = Integer.parseInt(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (impl == null) throw new IllegalArgumentException("--impl is required (" + Impl.keys() + ")");
            if (size < 1) throw new IllegalArgumentException("--size must be at least 1");
        } catch (IllegalArgumentException e) {
            System.err.println("echo server: " + e.getMessage());
            System.err.println("usage: EchoServer --impl " + String.join("|", Impl.keys().split(", "))
                    + " --port P [--size BYTES] [--backlog N]");
            System.exit(2);
            return;
        }

        EchoService server = start(impl, port, backlog, size);
        // SIGTERM, SIGINT: close as on end of input (the JVM then exits with 143/130).
        Thread hook = new Thread(server::close, "echo-server-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.printf(Locale.ROOT, "%s port=%d pid=%d impl=%s threads=%s%n", READY, server.port(),
                ProcessHandle.current().pid(), impl.key, server.description());
        System.out.flush();
        awaitEndOfInput(System.in);
        server.close();
        Runtime.getRuntime().removeShutdownHook(hook);
        System.exit(0);
    }

    static EchoService start(Impl impl, int port, int backlog, int size) throws IOException, InterruptedException {
        return switch (impl) {
            case WEFT_COMPLETION, WEFT_SQPOLL, WEFT_SEND_FIRST, WEFT_READINESS, WEFT_EPOLL -> WeftEchoServer.start(port, backlog, size);
            case JDK_VIRTUAL -> JdkEchoServers.virtualThreads(port, backlog, size);
            case PLATFORM -> JdkEchoServers.platformThreads(port, backlog, size);
            case NETTY_EPOLL -> NettyEchoServer.start(false, port, backlog);
            case NETTY_IO_URING -> NettyEchoServer.start(true, port, backlog);
        };
    }

    /** Blocks until {@code in} ends (or fails: the harness is gone either way). */
    static void awaitEndOfInput(InputStream in) {
        byte[] sink = new byte[64];
        try {
            while (in.read(sink) >= 0) {
                // nothing is said on stdin; only its end matters
            }
        } catch (IOException e) {
            // as good as the end
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }
}
