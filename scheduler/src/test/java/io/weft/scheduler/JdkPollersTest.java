package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JDK's own pollers must not end up on Weft's carriers: in a fresh JVM, the first JDK
 * socket wait of the process happens on a Weft virtual thread, the scheduler is closed, and
 * then the JDK's default virtual threads must still be able to wait on sockets.
 */
class JdkPollersTest {

    @Test
    void jdkSocketsStillWorkAfterTheFirstJdkWaitHappenedOnWeftAndWeftClosed() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()))
                .redirectErrorStream(true).start();
        boolean finished = p.waitFor(60, TimeUnit.SECONDS);
        if (!finished) p.destroyForcibly();
        String out = ChildJvm.drainAndClose(p);
        assertTrue(finished, "child JVM hung (JDK pollers died with the weft scheduler?): " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("weft echo ok") && out.contains("jdk echo ok"), out);
    }

    /** Echo once over java.net sockets on the current kind of virtual thread. */
    static void echoOnce(String label) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            OutputStream out = client.getOutputStream();
            InputStream in = accepted.getInputStream();
            out.write(42);
            out.flush();
            if (in.read() != 42) throw new IOException("bad byte");
            System.out.println(label + " echo ok");
        }
    }

    public static final class Main {
        public static void main(String[] args) throws Exception {
            try (WeftScheduler weft = WeftScheduler.start(SchedulerConfig.fromSystemProperties().withCarriers(1))) {
                Thread t = weft.startVirtualThread(() -> {
                    try {
                        echoOnce("weft");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                t.join();
            }
            Thread jdk = Thread.ofVirtual().start(() -> {
                try {
                    echoOnce("jdk");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            if (!jdk.join(java.time.Duration.ofSeconds(20))) {
                System.out.println("jdk echo hung");
                System.exit(2);
            }
        }
    }
}
