package io.weft.agent.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * Jetty 12, unmodified, with every thread virtual ({@link VirtualThreadPool}: acceptor,
 * selectors, handlers). {@code GET /hello/<anything>} answers {@code hello <anything>}.
 * Prints {@code port <n>} once it listens on loopback; stops when its standard input ends,
 * then prints the agent's counters.
 */
public final class JettyHelloApp {
    private JettyHelloApp() {}

    public static void main(String[] args) throws Exception {
        Server server = new Server(new VirtualThreadPool());
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = Request.getPathInContext(request);
                if (!path.startsWith("/hello/")) {
                    return false; // Jetty answers 404
                }
                String where = Thread.currentThread().toString().contains("@weft-carrier") ? "weft" : "jdk";
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                response.getHeaders().put("X-Carrier", where);
                Content.Sink.write(response, true, "hello " + path.substring("/hello/".length()), callback);
                return true;
            }
        });
        server.start();
        System.out.println("port " + connector.getLocalPort());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                // runs until the standard input ends
            }
        }
        server.stop();
        AgentStatus.print();
    }
}
