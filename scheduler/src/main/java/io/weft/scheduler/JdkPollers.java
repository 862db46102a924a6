package io.weft.scheduler;

import java.lang.System.Logger.Level;

/**
 * Keeps the JDK's own I/O pollers off Weft's carriers.
 *
 * <p>The JDK starts its pollers ({@code sun.nio.ch.Poller}) when that class is initialized, on
 * the first blocking socket wait of any virtual thread; in JDK 25 its sub-pollers are virtual
 * threads made with {@code Thread.ofVirtual()}, and a virtual thread made from a
 * custom-scheduled virtual thread inherits that scheduler. If the first JDK socket wait of
 * the process happened on a Weft virtual thread, the JDK's sub-pollers would live on Weft's
 * carriers, and die with the scheduler, taking the process's virtual-thread networking with
 * them. So the class is initialized here first, on a platform thread of its own.
 */
final class JdkPollers {
    private static final System.Logger LOG = System.getLogger("io.weft.scheduler");
    private static volatile boolean started;

    private JdkPollers() {}

    static void startOnPlatformThread() {
        if (started) {
            return;
        }
        synchronized (JdkPollers.class) {
            if (started) {
                return;
            }
            Thread t = Thread.ofPlatform().name("weft-jdk-poller-init").daemon().start(() -> {
                try {
                    // Loading and initializing needs no access to the (unexported) package.
                    Class.forName("sun.nio.ch.Poller", true, ClassLoader.getPlatformClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    LOG.log(Level.DEBUG, "JDK poller not initialized early: " + e);
                }
            });
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            started = true;
        }
    }
}
