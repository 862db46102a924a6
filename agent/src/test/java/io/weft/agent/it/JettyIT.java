package io.weft.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.apps.JettyHelloApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jetty 12 on virtual threads, run unmodified in a JVM with the agent, under 50 concurrent
 * HTTP/1.1 clients for a few seconds (the JDK's HttpClient, in this JVM): every response is 200
 * with the right body, handlers ran on Weft's carriers, and the server's waits went through Weft.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JettyIT {
    private static final int CLIENTS = 50;
    private static final Duration LOAD = Duration.ofSeconds(3);

    @Test
    void jettyOnVirtualThreadsServesThroughWeft() throws Exception {
        ChildJvm.Output out;
        Load load;
        try (ChildJvm child = ChildJvm.start(List.of(AgentJar.option("carriers=2")), JettyHelloApp.class.getName())) {
            String portLine = child.awaitLine(l -> l.startsWith("port "), Duration.ofSeconds(30));
            int port = Integer.parseInt(portLine.substring("port ".length()));
            load = drive(port);
            out = child.finish(Duration.ofSeconds(30));
        }
        assertEquals(0, out.exitCode(), out::describe);
        assertTrue(load.errors.isEmpty(), () -> load.errors.size() + " bad responses, first: " + load.errors.peek()
                + "\n" + out.describe());
        assertTrue(load.ok.sum() >= CLIENTS, () -> "only " + load.ok.sum() + " responses");
        assertEquals(0, load.offWeft.sum(), () -> load.offWeft.sum() + " responses from handlers off Weft's carriers");
        Counters c = Counters.of(out);
        System.out.println(load.ok.sum() + " responses; counters after the run: " + c.values()); // in target/failsafe-reports
        assertTrue(c.get("WeftWaits") + c.get("WeftSelectorWaits") > CLIENTS, () -> "too few waits through Weft: " + c);
        assertTrue(c.get("ThreadsRouted") > 0, c::toString);
        assertEquals(0, c.get("JdkFallbacks"), () -> "waits left to the JDK's poller: " + c);
    }

    /** What the clients saw. */
    private record Load(LongAdder ok, LongAdder offWeft, ConcurrentLinkedQueue<String> errors) {}

    /** {@link #CLIENTS} closed-loop clients, each a virtual thread sending GETs one after another for {@link #LOAD}. */
    private static Load drive(int port) throws Exception {
        Load load = new Load(new LongAdder(), new LongAdder(), new ConcurrentLinkedQueue<>());
        long end = System.nanoTime() + LOAD.toNanos();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(clients.submit(() -> {
                    for (int i = 0; System.nanoTime() < end && load.errors.size() < 10; i++) {
                        String name = "c" + client + "-" + i;
                        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello/" + name))
                                .timeout(Duration.ofSeconds(20)).build();
                        try {
                            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200 || !r.body().equals("hello " + name)) {
                                load.errors.add(name + ": " + r.statusCode() + " " + r.body());
                            } else {
                                load.ok.increment();
                                if (!"weft".equals(r.headers().firstValue("X-Carrier").orElse(""))) {
                                    load.offWeft.increment();
                                }
                            }
                        } catch (Exception e) {
                            load.errors.add(name + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        return load;
    }
}
