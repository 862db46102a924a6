package io.weft.pooler.lifecycle;

import io.weft.pooler.PoolerControl;
import io.weft.pooler.config.ConfigException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * The process's signals, as PostgreSQL and PgBouncer use them: SIGHUP reloads the configuration
 * (a bad one is logged and the one in force kept); SIGTERM and SIGINT shut down gracefully; a
 * second SIGTERM or SIGINT during the graceful shutdown closes at once. sun.misc.Signal (module
 * jdk.unsupported) is the JDK's only way to handle a signal without ending the JVM.
 */
public final class Signals {
    private static final System.Logger LOG = System.getLogger("io.weft.pooler");

    private Signals() {}

    /**
     * Installs the handlers. Returns the signals that could not be handled (the JVM runs with
     * -Xrs, or the signal was ignored when the process started, as for SIGINT in a background
     * job of a non-interactive shell): those keep the JVM's default.
     */
    public static List<String> install(PoolerControl pooler, Runnable onFirstStop) {
        AtomicInteger stops = new AtomicInteger();
        List<String> failed = new ArrayList<>();
        // Handlers run on the JVM's signal thread; the work goes to a thread of its own so a
        // slow reload (probing a server) never delays the next signal.
        handle("HUP", failed, () -> {
            try {
                pooler.reload();
            } catch (ConfigException e) {
                // reload logged it; the configuration in force stays
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "reload failed: " + e, e);
            }
        });
        Runnable stop = () -> {
            if (stops.incrementAndGet() == 1) {
                onFirstStop.run();
                pooler.shutdown();
            } else {
                LOG.log(Level.WARNING, "second stop signal: closing every connection now");
                pooler.close();
            }
        };
        handle("TERM", failed, stop);
        handle("INT", failed, stop);
        return failed;
    }

    private static void handle(String name, List<String> failed, Runnable action) {
        try {
            Signal.handle(new Signal(name), sig -> Thread.ofPlatform().name("weft-pooler-SIG" + name).start(action));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            failed.add("SIG" + name);
        }
    }
}
