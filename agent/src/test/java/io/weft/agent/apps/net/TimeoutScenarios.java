package io.weft.agent.apps.net;

import static io.weft.agent.apps.net.Bytes.LOOPBACK;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Timed waits: SO_TIMEOUT on a read and an accept, and Thread.sleep (timed parks, which the agent gives to the carriers' timers). */
final class TimeoutScenarios {
    private TimeoutScenarios() {}

    static void addTo(Map<String, Scenario> all) {
        all.put("socket-read-timeout", TimeoutScenarios::readTimeout);
        all.put("server-socket-accept-timeout", TimeoutScenarios::acceptTimeout);
        all.put("sleep", TimeoutScenarios::sleep);
    }

    /** A read that times out leaves the socket usable: the next read gets the byte the peer sends. */
    static String readTimeout() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, LOOPBACK);
             Socket c = new Socket(LOOPBACK, listener.getLocalPort());
             Socket s = listener.accept()) {
            c.setSoTimeout(200);
            long t0 = System.nanoTime();
            String first;
            try {
                first = "read " + c.getInputStream().read();
            } catch (SocketTimeoutException e) {
                first = Outcome.of(e) + " " + Outcome.atLeast(t0, 200);
            }
            s.getOutputStream().write(42);
            return first + "; then read " + c.getInputStream().read() + ", socket closed " + c.isClosed();
        }
    }

    static String acceptTimeout() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, LOOPBACK)) {
            listener.setSoTimeout(150);
            long t0 = System.nanoTime();
            try {
                return "accepted " + listener.accept();
            } catch (SocketTimeoutException e) {
                return Outcome.of(e) + " " + Outcome.atLeast(t0, 150);
            }
        }
    }

    /** 20 virtual threads sleep 50 ms at once; each must sleep at least that long. */
    static String sleep() throws Exception {
        List<Background<String>> sleepers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sleepers.add(Background.start(() -> {
                long t0 = System.nanoTime();
                Thread.sleep(50);
                return Outcome.atLeast(t0, 50);
            }));
        }
        List<String> outcomes = new ArrayList<>();
        for (Background<String> b : sleepers) {
            outcomes.add(b.get());
        }
        long early = outcomes.stream().filter(o -> !o.equals("after >= 50 ms")).count();
        return sleepers.size() + " threads slept, " + (early == 0 ? "each >= 50 ms" : early + " EARLY: " + outcomes);
    }
}
