package io.weft.pooler.session;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cancel keys the pooler gives its clients (BackendKeyData): each client gets its own
 * process id and secret, never a server's, so a client can only ever cancel its own query.
 * Any thread.
 */
public final class CancelRegistry {
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger nextPid = new AtomicInteger(1_000_000);
    private final ConcurrentMap<Long, Relay> relays = new ConcurrentHashMap<>();

    /** A key for a new client session: {pid, secret}. */
    public int[] newKey() {
        return new int[] {nextPid.getAndIncrement(), random.nextInt()};
    }

    void register(int pid, int secret, Relay relay) {
        relays.put(key(pid, secret), relay);
    }

    void unregister(int pid, int secret) {
        relays.remove(key(pid, secret));
    }

    /**
     * Forwards a client's CancelRequest to the server connection that client uses right now,
     * if any; an unknown key is ignored (as PostgreSQL does, without telling the sender).
     */
    public void cancel(int pid, int secret) {
        Relay r = relays.get(key(pid, secret));
        if (r != null) {
            r.cancelCurrentQuery();
        }
    }

    private static long key(int pid, int secret) {
        return ((long) pid << 32) | (secret & 0xFFFF_FFFFL);
    }
}
