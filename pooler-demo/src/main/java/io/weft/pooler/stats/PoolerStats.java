package io.weft.pooler.stats;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pooler-wide side of the statistics: the registry of connected clients (each pooled client
 * in its pool's {@link PoolCounters}, admin console clients here), and the failures that happen
 * before a client has a pool.
 */
public final class PoolerStats {
    /** The kinds of pooler-side failure, as the metrics label them. */
    public enum Failure {
        /** Wrong password, unknown user, or not allowed on the admin console. */
        AUTH,
        /** A malformed or unexpected message: the client was dropped with 08P01. */
        PROTOCOL,
        /** A server connection could not be opened. */
        SERVER_CONNECT,
        /** Any other refusal at start-up (no pool for the pair, too many clients, unsupported request). */
        REJECTED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final AtomicLong nextClientId = new AtomicLong(1);
    private final Set<ClientStats> adminClients = ConcurrentHashMap.newKeySet();
    private final LongAdder authFailures = new LongAdder();
    private final LongAdder protocolViolations = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    /**
     * Registers a client that logged in, in {@code pool}'s registry or, with a null pool, as an
     * admin console client. The caller must {@link #remove} it on every way out.
     */
    public ClientStats register(PoolCounters pool, String user, String database, String applicationName,
                                SocketAddress remote, SocketAddress local) {
        ClientStats c = new ClientStats(nextClientId.getAndIncrement(), pool, user, database, applicationName,
                remote, local);
        if (pool != null) pool.register(c);
        else adminClients.add(c);
        return c;
    }

    /** The client left; null and repeated calls are fine. */
    public void remove(ClientStats c) {
        if (c == null) return;
        if (c.pool != null) c.pool.unregister(c);
        else adminClients.remove(c);
    }

    /**
     * A client was refused with {@code sqlState} (the FATAL it was sent); {@code client} is the
     * client's registration if it had one (the failure then counts in its pool too).
     */
    public void failure(String sqlState, ClientStats client) {
        if (sqlState.startsWith("28") || sqlState.equals("42501")) {
            authFailures.increment();
        } else if (sqlState.equals("08P01")) {
            if (client != null && client.pool != null) client.pool.protocolViolation();
            else protocolViolations.increment();
        } else {
            rejected.increment();
        }
    }

    /** Failures of {@code kind} not counted in any pool (see {@link PoolTotals} for the rest). */
    public long unpooled(Failure kind) {
        return switch (kind) {
            case AUTH -> authFailures.sum();
            case PROTOCOL -> protocolViolations.sum();
            case REJECTED -> rejected.sum();
            case SERVER_CONNECT -> 0;
        };
    }

    /** The admin console clients connected now. */
    public List<ClientStats> adminClients() {
        return new ArrayList<>(adminClients);
    }
}
