package io.weft.stress.selfcheck;

import io.weft.pooler.config.ServerAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A copy of {@code io.weft.pooler.pool.ServerSelector}'s {@code markDown}, {@code successor},
 * {@code isDown} and {@code target} (without the log lines), over a fixed server list, with one
 * {@link Flaw}; {@link Flaw#NONE} is the real code.
 */
final class BrokenServerSelector {
    enum Flaw {
        NONE,
        /** {@code markDown} asks "already down?" before it takes the lock. */
        CHECK_OUTSIDE_LOCK,
        /** {@code markDown} copies the {@code down} map before it takes the lock, and publishes the copy under it. */
        COPY_OUTSIDE_LOCK
    }

    private record Down(long sinceNanos, String reason) {}

    private final Flaw flaw;
    private final List<ServerAddress> servers;
    private final Consumer<ServerAddress> onDown;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Map<String, Down> down = Map.of();
    private final AtomicLong failovers = new AtomicLong();

    BrokenServerSelector(Flaw flaw, List<ServerAddress> servers, Consumer<ServerAddress> onDown) {
        this.flaw = flaw;
        this.servers = servers;
        this.onDown = onDown;
    }

    long failovers() {
        return failovers.get();
    }

    boolean isDown(ServerAddress server) {
        return down.containsKey(key(server));
    }

    ServerAddress target(String database) {
        Map<String, Down> d = down;
        for (ServerAddress s : servers) {
            if (s.serves(database) && !d.containsKey(key(s))) return s;
        }
        return null;
    }

    void markDown(ServerAddress server, String database, String reason) {
        if (flaw == Flaw.CHECK_OUTSIDE_LOCK && down.containsKey(key(server))) return;
        Map<String, Down> early = flaw == Flaw.COPY_OUTSIDE_LOCK ? new HashMap<>(down) : null;
        ServerAddress next;
        lock.lock();
        try {
            if (flaw != Flaw.CHECK_OUTSIDE_LOCK && down.containsKey(key(server))) return;
            Map<String, Down> d = early != null ? early : new HashMap<>(down);
            d.put(key(server), new Down(System.nanoTime(), reason));
            down = Map.copyOf(d);
            next = successor(server, database);
            if (next != null) failovers.incrementAndGet();
        } finally {
            lock.unlock();
        }
        onDown.accept(server);
    }

    private ServerAddress successor(ServerAddress failed, String database) {
        for (ServerAddress s : servers) {
            if (s.sameServer(failed) || down.containsKey(key(s))) continue;
            if (database == null || s.serves(database)) return s;
        }
        return null;
    }

    private static String key(ServerAddress s) {
        return s.name() + '@' + s.host() + ':' + s.port();
    }
}
