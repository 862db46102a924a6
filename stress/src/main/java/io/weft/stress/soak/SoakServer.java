package io.weft.stress.soak;

import io.weft.poller.faults.Faults;
import io.weft.net.NetMode;
import io.weft.net.WeftServerSocket;
import io.weft.poller.Backend;
import io.weft.scheduler.WeftScheduler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The soak's echo server, a JVM of its own (its own descriptor table) started by {@link Soak}
 * with the backend's {@code weft.backend} / {@code weft.net.mode} and any {@code weft.faults}.
 * Listens on 127.0.0.1 and, where the machine has it, ::1 (port 0: any free one), each with an
 * accepting virtual thread, and serves every connection on a virtual thread of one Weft
 * scheduler through {@link WeftServerSocket}: the code under test.
 *
 * <p>Prints {@code SOAK-SERVER-READY port4=P port6=P|0 backend=... mode=...}, then answers the
 * parent's commands on standard input, one line each:
 * <ul>
 *   <li>{@code STATS}: {@code STATS accepted=... open=... echoed=... resets=... eofs=... unexpected=...
 *       faultsInjected=...} (the faults weft.faults injected so far, 0 without it);</li>
 *   <li>{@code SNAPSHOT}: {@code SNAPSHOT <Snapshot line>}, after full GCs; {@code PROBE}: the
 *       same without GC (under load);</li>
 *   <li>{@code DRAIN seconds}: waits until no connection is being served, then
 *       {@code DRAINED open=N millis=M [stacks]}.</li>
 * </ul>
 * The end of its input closes everything and exits 0 (1 if closing failed).
 */
public final class SoakServer {
    static final String READY = "SOAK-SERVER-READY";

    private SoakServer() {}

    public static void main(String[] args) throws Exception {
        ServerFlaw flaw = ServerFlaw.current();
        WeftScheduler weft = WeftScheduler.start();
        EchoConnections connections = new EchoConnections(flaw);
        AtomicBoolean closing = new AtomicBoolean();
        List<ServerSocket> listeners = new ArrayList<>();
        // The backlog: SYNs that wait while the acceptors are busy. The kernel caps it at
        // net.core.somaxconn (4096 on most machines); the clients also ramp up gradually.
        listeners.add(new WeftServerSocket(0, 16384, InetAddress.getByName("127.0.0.1")));
        InetAddress v6 = ipv6Loopback();
        if (v6 != null) listeners.add(new WeftServerSocket(0, 16384, v6));
        for (ServerSocket l : listeners) {
            weft.startVirtualThread(() -> acceptLoop(l, weft, connections, closing));
        }
        boolean completion = weft.pollerBackend() == Backend.IO_URING && NetMode.current() == NetMode.COMPLETION;
        ServerProbe probe = new ServerProbe(weft, connections, completion);
        System.out.printf(Locale.ROOT, "%s port4=%d port6=%d backend=%s mode=%s carriers=%d faults=%s flaw=%s pid=%d%n", READY,
                listeners.get(0).getLocalPort(), v6 == null ? 0 : listeners.get(1).getLocalPort(),
                weft.pollerBackend().configName(), completion ? "completion" : "readiness", weft.config().carriers(),
                System.getProperty("weft.faults", "none"), flaw.name().toLowerCase(Locale.ROOT), ProcessHandle.current().pid());
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String cmd; (cmd = in.readLine()) != null; ) {
                String[] w = cmd.trim().split("\\s+");
                switch (w[0]) {
                    case "STATS" -> System.out.printf(Locale.ROOT,
                            "STATS accepted=%d open=%d echoed=%d resets=%d eofs=%d unexpected=%d faultsInjected=%d%n",
                            connections.accepted.sum(), connections.open(), connections.bytesEchoed.sum(),
                            connections.endedByReset.sum(), connections.endedByEof.sum(), connections.unexpected.sum(),
                            Faults.injected().values().stream().mapToLong(Long::longValue).sum());
                    case "SNAPSHOT" -> System.out.println("SNAPSHOT " + probe.take(true).line());
                    case "PROBE" -> System.out.println("SNAPSHOT " + probe.take(false).line());
                    case "DRAIN" -> {
                        long t0 = System.nanoTime();
                        long deadline = t0 + Long.parseLong(w[1]) * 1_000_000_000L;
                        while (connections.open() > 0 && System.nanoTime() < deadline) Thread.sleep(50);
                        int open = connections.open();
                        System.out.printf(Locale.ROOT, "DRAINED open=%d millis=%d%s%n", open,
                                (System.nanoTime() - t0) / 1_000_000, open > 0 ? connections.stacks(5) : "");
                    }
                    default -> System.out.println("UNKNOWN " + cmd);
                }
                System.out.flush();
            }
        } catch (IOException e) {
            // the parent is gone: as good as the end of input
        }
        closing.set(true);
        int status = 0;
        for (ServerSocket l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                System.err.println("soak server: closing a listener: " + e);
                status = 1;
            }
        }
        weft.close();
        System.exit(status);
    }

    private static void acceptLoop(ServerSocket listener, WeftScheduler weft, EchoConnections connections,
                                   AtomicBoolean closing) {
        while (!closing.get()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (closing.get() || listener.isClosed()) return;
                // EMFILE and the like: say so, back off, keep serving the connections we have.
                connections.complain("accept: " + e);
                connections.unexpected.increment();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            try {
                weft.startVirtualThread(() -> connections.serve(s));
            } catch (RuntimeException e) {
                connections.complain("cannot start a thread for a connection: " + e);
                connections.unexpected.increment();
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** ::1 if this machine has IPv6 on loopback (binding to it works), else null. */
    static InetAddress ipv6Loopback() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return probe.getInetAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
