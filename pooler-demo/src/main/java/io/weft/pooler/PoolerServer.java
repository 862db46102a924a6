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
import io.weft.pooler.config.ConfigException;
import io.weft.pooler.lifecycle.ConfigDiff;
import io.weft.pooler.lifecycle.ConfigLoader;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import io.weft.net.WeftServerSocketFactory;
import io.weft.net.WeftSocket;
import io.weft.net.WeftSocketFactory;

/**
 * The pooler: a listening socket and a virtual thread per client, on Weft's carriers
 * ({@code backend = auto | io_uring | epoll | kqueue}) or on the JDK's own virtual threads
 * ({@code backend = jdk}). Plain blocking {@code java.net} code.
 *
 * <p>Its lifecycle ({@link PoolerControl}): {@link #reload}, {@link #pause}/{@link #resume},
 * the graceful {@link #shutdown} and the immediate {@link #close}; {@link #awaitTermination}
 * waits for either to finish.
 */
public final class PoolerServer implements PoolerControl, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.weft.pooler");
    /** After an immediate close, how long client threads get to notice their closed sockets. */
    private static final Duration ABORT_GRACE = Duration.ofSeconds(2);

    /** The configuration at start: host, port, backend and carriers stay as they were. */
    private final PoolerConfig config;
    private final ConfigLoader loader;
    private final ReentrantLock reloadLock = new ReentrantLock();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean listening = true;
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

    private PoolerServer(PoolerConfig config, ConfigLoader loader, WeftScheduler weft, ThreadFactory threads)
            throws IOException {
        this.config = config;
        this.loader = loader;
        this.weft = weft;
        this.threads = counted(threads);
        // On Weft's carriers the sockets are Weft's too (io_uring completion mode where
        // available); on JDK virtual threads, the JDK's. write_behind: a relayed message's
        // write returns once its send is queued (WeftSocket.setWriteBehind), one park fewer
        // per message.
        SocketFactory sockets = weft == null ? SocketFactory.getDefault()
                : config.writeBehind() ? WeftSocketFactory.writingBehind() : WeftSocketFactory.getDefault();
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

    /**
     * Starts the pooler as {@code config} says and returns once it accepts connections; a
     * reload reads {@code config.file()} again.
     */
    public static PoolerServer start(PoolerConfig config) throws IOException {
        return start(config, () -> PoolerConfig.load(config.file()));
    }

    /** Like {@link #start(PoolerConfig)}, with a reload reading the configuration through {@code loader}. */
    public static PoolerServer start(PoolerConfig config, ConfigLoader loader) throws IOException {
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
            return new PoolerServer(config, loader, weft, threads);
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

    /** What the admin console's RELOAD, PAUSE, RESUME and SHUTDOWN call: this pooler. */
    public PoolerControl control() {
        return this;
    }

    private void acceptLoop() {
        while (listening) {
            try {
                Socket s = listener.accept();
                if (s instanceof WeftSocket w) w.setWriteBehind(config.writeBehind());
                threads.newThread(new ClientSession(s, context)).start();
            } catch (IOException e) {
                if (listening) LOG.log(Level.ERROR, "accept failed: " + e.getMessage());
            } catch (RuntimeException e) {
                if (listening) LOG.log(Level.ERROR, "cannot start a client thread: " + e);
            }
        }
    }

    // ---- PoolerControl ----------------------------------------------------------------

    /**
     * Reads the configuration again and applies it: users and auth_method for new logins,
     * pool sizes (see {@link PoolManager#apply}), servers, and the other options (per client
     * options for new clients). host, port, backend and carriers stay as they were at start.
     * A bad configuration changes nothing: logged as an error and thrown.
     */
    @Override
    public String reload() throws ConfigException {
        reloadLock.lock();
        try {
            PoolerConfig running = context.config();
            PoolerConfig fresh;
            try {
                fresh = loader.load();
            } catch (ConfigException e) {
                LOG.log(Level.ERROR, "reload failed, the configuration in force is kept: " + e.getMessage());
                throw e;
            }
            ConfigDiff diff = ConfigDiff.between(running, fresh);
            context.config(fresh);
            List<String> changes = new ArrayList<>(diff.applied);
            changes.addAll(pools.apply(fresh));
            if (!running.logLevel().equals(fresh.logLevel())) {
                io.weft.pooler.lifecycle.LogLevels.apply(fresh.logLevel());
            }
            StringBuilder line = new StringBuilder("reloaded ").append(fresh.file()).append(": ");
            line.append(changes.isEmpty() ? "nothing changed" : String.join("; ", changes));
            if (!diff.kept.isEmpty()) {
                line.append("; kept until restart: ").append(String.join(", ", diff.kept));
                LOG.log(Level.WARNING, "reload: these options only take effect at start and are kept: "
                        + String.join(", ", diff.kept));
            }
            LOG.log(Level.INFO, line.toString());
            return line.toString();
        } finally {
            reloadLock.unlock();
        }
    }

    @Override
    public boolean pause(Duration timeout) throws InterruptedException {
        return pools.pause(timeout);
    }

    @Override
    public void resume() {
        pools.resume();
    }

    /**
     * Graceful shutdown, returning at once: the listener closes (new clients get connection
     * refused); each client ends with FATAL 57P01 at its next idle ReadyForQuery (idle ones
     * now), so transactions in flight finish; clients waiting for a server connection end at
     * once (their transaction had not started). Once no client is left, or shutdown_timeout
     * passed (everything still open is then closed: PostgreSQL rolls back what was in flight),
     * the pools and threads close. {@link #awaitTermination} waits for the end.
     */
    @Override
    public void shutdown() {
        if (closed.get() || !shuttingDown.compareAndSet(false, true)) return;
        long timeout = context.config().shutdownTimeoutMillis();
        LOG.log(Level.INFO, "shutting down: not accepting clients; " + context.sessions() + " clients have up to "
                + timeout + " ms (shutdown_timeout) to finish their transactions");
        closeListener();
        pools.beginShutdown();
        context.beginShutdown();
        Thread.ofPlatform().name("weft-pooler-shutdown").daemon().start(() -> {
            try {
                if (!context.awaitNoSessions(Duration.ofMillis(timeout))) {
                    LOG.log(Level.WARNING, "shutdown_timeout (" + timeout + " ms) passed: closing " + context.sessions()
                            + " clients still in transactions (PostgreSQL rolls them back)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            close();
        });
    }

    /**
     * Immediate shutdown: closes the listener, every client and every server connection now
     * (PostgreSQL rolls back what was open), then the pools and the carriers. Called on one of
     * the pooler's own threads (the admin console), it returns at once and finishes on a
     * thread of its own: a scheduler cannot be closed from its own threads.
     */
    @Override
    public void close() {
        if (Thread.currentThread().isVirtual()) {
            if (!closed.get()) Thread.ofPlatform().name("weft-pooler-close").daemon().start(this::closeNow);
            return;
        }
        closeNow();
    }

    private void closeNow() {
        if (!closed.compareAndSet(false, true)) return;
        closeListener();
        pools.beginShutdown();
        context.abortSessions();
        try {
            if (!context.awaitNoSessions(ABORT_GRACE)) {
                LOG.log(Level.WARNING, context.sessions() + " client sessions did not end within " + ABORT_GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (metrics != null) metrics.close();
        sampler.close();
        pools.close();
        if (weft != null) weft.close();
        LOG.log(Level.INFO, "the pooler has stopped");
        terminated.countDown();
    }

    /** Waits until a {@link #shutdown} or {@link #close} has finished; false if {@code timeout} passed first. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits until a {@link #shutdown} or {@link #close} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Whether a shutdown or close has started. */
    public boolean isShuttingDown() {
        return shuttingDown.get() || closed.get();
    }

    private void closeListener() {
        listening = false;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
