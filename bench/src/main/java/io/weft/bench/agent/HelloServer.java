package io.weft.bench.agent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import javax.management.MBeanServer;
import javax.management.ObjectName;
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
 * The server the agent benchmark measures, run in its own JVM: Jetty 12 with every thread
 * virtual ({@link VirtualThreadPool}), {@code GET /hello/<name>} answering {@code hello <name>}
 * as text. The same code runs with and without {@code -javaagent}; it knows nothing of Weft.
 *
 * <p>Prints {@code port <n>} once it listens on loopback, and runs until its standard input
 * ends; then prints the agent's counters ({@code counter Name=value}, from its MBean) if the
 * agent is there.
 */
public final class HelloServer {
    static final String PATH = "/hello/";

    private HelloServer() {}

    public static void main(String[] args) throws Exception {
        Server server = new Server(new VirtualThreadPool());
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = Request.getPathInContext(request);
                if (!path.startsWith(PATH)) {
                    return false; // Jetty answers 404
                }
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                Content.Sink.write(response, true, "hello " + path.substring(PATH.length()), callback);
                return true;
            }
        });
        server.start();
        System.out.println("port " + connector.getLocalPort());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                // runs until the harness closes our standard input
            }
        }
        server.stop();
        printAgentCounters();
    }

    /** The agent's MBean, read as any monitoring tool would (no Weft class is used). */
    private static void printAgentCounters() throws Exception {
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName agent = new ObjectName("io.weft:type=Agent");
        if (!mbeans.isRegistered(agent)) {
            System.out.println("agent absent");
            return;
        }
        for (String c : new String[] {"WeftWaits", "WeftSelectorWaits", "JdkFallbacks", "StopPolls", "ThreadsRouted"}) {
            System.out.println("counter " + c + "=" + mbeans.getAttribute(agent, c));
        }
    }
}
