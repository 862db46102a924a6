package io.weft.pooler;

import io.weft.poller.Backend;
import io.weft.poller.PollerConfig;
import io.weft.pooler.admin.AdminConsole;
import io.weft.pooler.admin.PoolerView;
import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.metrics.MetricsServer;
import io.weft.pooler.pool.ServerPool;
import io.weft.pooler.stats.StatsSampler;
import io.weft.scheduler.CarrierStats;
import io.weft.pooler.pool.PoolManager;
import io.weft.pooler.session.ClientSession;
import io.weft.pooler.session.PoolerContext;
import io.weft.scheduler.SchedulerConfig;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import io.weft.net.WeftServerSocketFactory;
import io.weft.net.WeftSocketFactory;

/**
 * The pooler: a listening socket and a virtual thread per client, on Weft's carriers
 * ({@code backend = auto | io_uring | epoll | kqueue}) or on the JDK's own virtual threads
 * ({@code backend = jdk}). Plain blocking {@code java.net} code.
 */
public final class PoolerServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.weft.pooler");

    private final PoolerConfig config;
    private final WeftScheduler weft;
    private final ThreadFactory threads;
    private final PoolManager pools;
    private final PoolerContext context;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final PoolerView view;
    private final StatsSampler sampler;
    /** The Prometheus endpoint; null with metrics_port = 0. */
    private final MetricsServer metrics;
    private final java.util.concurrent.atomic.AtomicInteger liveThreads = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    private PoolerServer(PoolerConfig config, WeftScheduler weft, ThreadFactory threads) throws IOException {
        this.config = config;
        this.weft = weft;
        this.threads = counted(threads);
        // On Weft's carriers the sockets are Weft's too (io_uring completion mode where
        // available); on JDK virtual threads, the JDK's.
        SocketFactory sockets = weft == null ? SocketFactory.getDefault() : WeftSocketFactory.getDefault();
        ServerSocketFactory listeners = weft == null ? ServerSocketFactory.getDefault()
                : WeftServerSocketFactory.getDefault();
        this.pools = new PoolManager(config, this.threads, sockets);
        this.context = new PoolerContext(config, pools, this.threads);
        this.view = new PoolerView(context::config, pools, context.stats, this::carrierStats, context::clients,
                threadsDescription());
        context.admin(new AdminConsole(view, control(), context.stats));
        this.sampler = new StatsSampler(() -> pools.all().stream().map(ServerPool::counters).toList(),
                config.statsPeriodMillis());
        MetricsServer endpoint = null;
        try {
            if (config.metricsPort() != 0) endpoint = MetricsServer.start(config.metricsHost(), config.metricsPort(), view);
            this.listener = listeners.createServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 1024);
        } catch (IOException | RuntimeException e) {
            sampler.close();
            if (endpoint != null) endpoint.close();
            pools.close();
            throw e;
        }
        this.metrics = endpoint;
        pools.prefill();
        this.acceptor = this.threads.newThread(this::acceptLoop);
        acceptor.start();
    }

    /** Starts the pooler as {@code config} says and returns once it accepts connections. */
    public static PoolerServer start(PoolerConfig config) throws IOException {
        WeftScheduler weft = null;
        ThreadFactory threads;
        if (config.backend().equals("jdk")) {
            threads = Thread.ofVirtual().name("pooler-", 0).factory();
        } else {
            PollerConfig poller = PollerConfig.fromSystemProperties()
                    .withBackend(config.backend().equals("auto") ? null : Backend.fromConfigName(config.backend()));
            SchedulerConfig sc = SchedulerConfig.fromSystemProperties().withPoller(poller);
            if (config.carriers() > 0) sc = sc.withCarriers(config.carriers());
            weft = WeftScheduler.start(sc);
            threads = weft.threadFactory();
        }
        try {
            return new PoolerServer(config, weft, threads);
        } catch (IOException | RuntimeException e) {
            if (weft != null) weft.close();
            throw e;
        }
    }

    /** The port the pooler listens on (the configured one, or the one picked for port 0). */
    public int port() {
        return listener.getLocalPort();
    }

    /** What runs the client threads: "jdk", or the Weft backend's name. */
    public String threadsDescription() {
        return weft == null ? "JDK virtual threads" : "weft on " + weft.pollerBackend().configName()
                + " (" + weft.config().carriers() + " carriers)";
    }

    /**
     * The pooler's threads alive now: the acceptor, the pool maintenance thread, and per client
     * its own thread plus one per attached server connection. With no client, 2; a higher count
     * when every client has gone is a leaked thread (a stress run checks this).
     */
    public int liveThreads() {
        return liveThreads.get();
    }

    /** {@code threads}, counting the threads it makes while they run (for {@link #liveThreads}). */
    private ThreadFactory counted(ThreadFactory threads) {
        return task -> threads.newThread(() -> {
            liveThreads.incrementAndGet();
            try {
                task.run();
            } finally {
                liveThreads.decrementAndGet();
            }
        });
    }

    public PoolManager pools() {
        return pools;
    }

    public PoolerContext context() {
        return context;
    }

    /** What the admin console and the metrics show. */
    public PoolerView view() {
        return view;
    }

    /** The Weft scheduler's per-carrier counters; empty on the JDK's virtual threads (backend = jdk). */
    public List<CarrierStats> carrierStats() {
        return weft == null ? List.of() : weft.stats();
    }

    /** The port of the Prometheus endpoint; 0 if metrics_port is 0 (no endpoint). */
    public int metricsPort() {
        return metrics == null ? 0 : metrics.port();
    }

    /**
     * What the admin console's RELOAD, PAUSE, RESUME and SHUTDOWN call. Placeholder in this
     * branch: every method throws {@link UnsupportedOperationException} (the console answers
     * with an ErrorResponse) until the lifecycle work implements them here.
     */
    public PoolerControl control() {
        return new PoolerControl() {
            @Override
            public String reload() {
                throw notYet();
            }

            @Override
            public boolean pause(java.time.Duration timeout) {
                throw notYet();
            }

            @Override
            public void resume() {
                throw notYet();
            }

            @Override
            public void shutdown() {
                throw notYet();
            }

            @Override
            public void close() {
                throw notYet();
            }

            private UnsupportedOperationException notYet() {
                return new UnsupportedOperationException("not implemented in this pooler yet");
            }
        };
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = listener.accept();
                threads.newThread(new ClientSession(s, context)).start();
            } catch (IOException e) {
                if (!closed) LOG.log(Level.ERROR, "accept failed: " + e.getMessage());
            } catch (RuntimeException e) {
                if (!closed) LOG.log(Level.ERROR, "cannot start a client thread: " + e);
            }
        }
    }

    /** Stops accepting, closes the pools and the carriers. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        if (metrics != null) metrics.close();
        sampler.close();
        pools.close();
        if (weft != null) weft.close();
    }
}
