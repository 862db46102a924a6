package io.weft.pooler.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.weft.pooler.admin.PoolerView;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The Prometheus endpoint: {@code GET /metrics} on {@code metrics_host:metrics_port}, served by the
 * JDK's {@link HttpServer} on its own dispatcher thread (a scrape is rare and small; it never
 * touches the relay). {@link #close} stops the thread and frees the port.
 */
public final class MetricsServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.weft.pooler");

    private final HttpServer http;

    private MetricsServer(HttpServer http) {
        this.http = http;
    }

    /** Listens on {@code host:port} (0: any free port) and serves {@code view}'s metrics. */
    public static MetricsServer start(String host, int port, PoolerView view) throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + host + ":" + port + " (metrics_host, metrics_port): "
                    + e.getMessage(), e);
        }
        http.createContext("/", exchange -> handle(exchange, view));
        http.setExecutor(null); // the dispatcher thread answers: one thread, stopped by close()
        http.start();
        return new MetricsServer(http);
    }

    private static void handle(HttpExchange exchange, PoolerView view) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                reply(exchange, 404, "text/plain; charset=utf-8", "not found: the metrics are at /metrics\n", method);
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "text/plain; charset=utf-8", "method not allowed: use GET\n", method);
            } else {
                String body;
                try {
                    body = PrometheusText.render(view);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "metrics could not be gathered", e);
                    reply(exchange, 500, "text/plain; charset=utf-8", "metrics could not be gathered: " + e + "\n", method);
                    return;
                }
                reply(exchange, 200, PrometheusText.CONTENT_TYPE, body, method);
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body, String method)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = method.equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The port it listens on (the configured one, or the one picked for port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
