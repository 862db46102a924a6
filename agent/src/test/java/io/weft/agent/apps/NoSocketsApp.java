package io.weft.agent.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An application that opens no socket: sums on platform and virtual threads, with sleeps.
 * Prints {@code result <n>} and the agent's counters.
 */
public final class NoSocketsApp {
    private NoSocketsApp() {}

    public static void main(String[] args) throws Exception {
        long sum = 0;
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> parts = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                long from = i * 1000L;
                parts.add(vts.submit(() -> {
                    Thread.sleep(5);
                    long s = 0;
                    for (long k = from; k < from + 1000; k++) {
                        s += k;
                    }
                    return s;
                }));
            }
            for (Future<Long> f : parts) {
                sum += f.get();
            }
        }
        System.out.println("result " + sum);
        AgentStatus.print();
    }
}
