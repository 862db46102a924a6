package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code weft pooler} started where it cannot run: one clear line and an exit code, no stack trace. */
@Timeout(120)
class StartupFailureTest {
    @Test
    void aPortTakenByAnotherProcessIsNamedAndThePoolerExits() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // The server named is never reached: the listener is bound before any pool connects.
            PoolerFiles files = new PoolerFiles("session").option("port", Integer.toString(taken.getLocalPort()))
                    .server("primary", 1).write();
            PoolerProcess.Finished run = PoolerProcess.runToExit(Duration.ofSeconds(60), "--config", files.conf().toString());
            assertEquals(1, run.exitCode(), run.output());
            assertTrue(run.output().contains("weft pooler: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use"), run.output());
            assertFalse(run.output().contains("\tat "), "a stack trace:\n" + run.output());
            assertFalse(run.output().contains("usage:"), "the usage text, for an error that is not one of usage:\n" + run.output());
        }
    }
}
