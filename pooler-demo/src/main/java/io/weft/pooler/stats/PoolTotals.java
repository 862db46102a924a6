package io.weft.pooler.stats;

/**
 * The counters of one pool (or one client) at a moment: totals since the pooler started.
 *
 * @param transactions  ReadyForQuery back to idle relayed to clients
 * @param queries       Query and Sync messages from clients
 * @param received      bytes received from clients
 * @param sent          bytes of server messages sent to clients
 * @param serverErrors  ErrorResponses relayed to clients
 * @param waits         times a client asked the pool for a server connection
 * @param waitNanos     time clients spent waiting for one (connecting included)
 * @param maxWaitNanos  the longest of those waits
 * @param connectFailures  server connections that could not be opened
 * @param protocolViolations  clients of the pool dropped for breaking the protocol
 */
public record PoolTotals(long transactions, long queries, long received, long sent, long serverErrors, long waits,
                         long waitNanos, long maxWaitNanos, long connectFailures, long protocolViolations) {
    public static final PoolTotals ZERO = new PoolTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** SHOW STATS' errors: ErrorResponses relayed plus the pooler's own failures in this pool. */
    public long errors() {
        return serverErrors + connectFailures + protocolViolations;
    }
}
