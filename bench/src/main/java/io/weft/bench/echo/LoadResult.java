package io.weft.bench.echo;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one load run measured, as the one machine-readable line {@link EchoLoad} prints and
 * {@link EchoBench} parses: {@code ECHO-LOAD-RESULT key=value ...}.
 *
 * @param connections connections opened (and kept) by the load
 * @param size        message size in bytes
 * @param seconds     length of the measured window
 * @param requests    requests completed inside it
 * @param p50Micros   median latency of those, in microseconds
 * @param p99Micros   99th percentile
 * @param maxMicros   the longest
 * @param verified    echoes compared byte for byte with what was sent (warm-up and drain included)
 * @param mismatches  echoes that differed
 * @param failed      connections lost to an error (reset, closed by the server, mismatch)
 * @param idle        connections that completed no request inside the window
 * @param loadCpuSeconds the load generator's own CPU time over the window
 * @param threads     the load generator's selector threads
 */
record LoadResult(int connections, int size, double seconds, long requests, double p50Micros, double p99Micros,
                  double maxMicros, long verified, long mismatches, long failed, long idle, double loadCpuSeconds,
                  int threads) {
    static final String PREFIX = "ECHO-LOAD-RESULT";

    double requestsPerSecond() {
        return seconds > 0 ? requests / seconds : 0;
    }

    /** Every echo matched and no connection was lost. */
    boolean clean() {
        return mismatches == 0 && failed == 0 && verified > 0;
    }

    String line() {
        return String.format(Locale.ROOT, "%s connections=%d size=%d seconds=%.3f requests=%d rps=%.1f p50_us=%.1f"
                        + " p99_us=%.1f max_us=%.1f verified=%d mismatches=%d failed=%d idle=%d load_cpu_s=%.2f threads=%d",
                PREFIX, connections, size, seconds, requests, requestsPerSecond(), p50Micros, p99Micros, maxMicros,
                verified, mismatches, failed, idle, loadCpuSeconds, threads);
    }

    /** The result in {@code line}, which must start with {@link #PREFIX}. */
    static LoadResult parse(String line) {
        if (!line.startsWith(PREFIX + " ")) throw new IllegalArgumentException("not a load result: " + line);
        Map<String, String> f = new LinkedHashMap<>();
        for (String kv : line.substring(PREFIX.length()).trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq > 0) f.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        try {
            return new LoadResult(Integer.parseInt(f.get("connections")), Integer.parseInt(f.get("size")),
                    Double.parseDouble(f.get("seconds")), Long.parseLong(f.get("requests")),
                    Double.parseDouble(f.get("p50_us")), Double.parseDouble(f.get("p99_us")),
                    Double.parseDouble(f.get("max_us")), Long.parseLong(f.get("verified")),
                    Long.parseLong(f.get("mismatches")), Long.parseLong(f.get("failed")), Long.parseLong(f.get("idle")),
                    Double.parseDouble(f.get("load_cpu_s")), Integer.parseInt(f.get("threads")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed load result (" + e + "): " + line, e);
        }
    }
}
