package io.weft.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WrkResultTest {
    /** wrk 4.1.0's summary with --latency (numbers made up, layout as printed). */
    private static final String OUTPUT = """
            Running 5s test @ http://127.0.0.1:41234/hello/world
              2 threads and 50 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency   611.09us    1.27ms  41.02ms   95.65%
                Req/Sec    54.98k     5.01k   63.24k    71.00%
              Latency Distribution
                 50%  334.00us
                 75%  512.00us
                 90%    1.01ms
                 99%    3.98ms
              547108 requests in 5.03s, 71.49MB read
              Socket errors: connect 0, read 2, write 1, timeout 3
              Non-2xx or 3xx responses: 4
            Requests/sec: 108808.43
            Transfer/sec:     14.22MB
            """;

    @Test
    void readsThroughputPercentilesAndErrors() {
        Wrk.Result r = Wrk.Result.parse(OUTPUT);
        assertEquals(108808.43, r.requestsPerSecond(), 1e-9);
        assertEquals(547108, r.requests());
        assertEquals(0.334, r.p50Millis(), 1e-9);
        assertEquals(3.98, r.p99Millis(), 1e-9);
        assertEquals(10, r.errors());
    }

    @Test
    void secondsAreConvertedAndCleanRunsHaveNoErrors() {
        String slow = OUTPUT.replace("99%    3.98ms", "99%    1.20s")
                .replace("  Socket errors: connect 0, read 2, write 1, timeout 3\n", "")
                .replace("  Non-2xx or 3xx responses: 4\n", "");
        Wrk.Result r = Wrk.Result.parse(slow);
        assertEquals(1200, r.p99Millis(), 1e-9);
        assertEquals(0, r.errors());
    }

    @Test
    void aSummaryWithoutThroughputIsAnError() {
        assertThrows(IllegalStateException.class, () -> Wrk.Result.parse("unable to connect to 127.0.0.1:1 Connection refused"));
    }
}
