package io.weft.stress.pooler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the chaos clients know about each row they tried to insert into {@code stress_ledger}:
 * committed (the COMMIT, or the Sync of an autocommit statement, was acknowledged), absent (the
 * client died before it asked for a commit), or in doubt (it died with the commit on the
 * wire, or something unplanned happened). After the run the table must hold every committed
 * row, no absent row, and no row nobody tried.
 */
final class Ledger {
    enum Expect { COMMITTED, ABSENT, IN_DOUBT }

    static final String TABLE = "stress_ledger";

    private final AtomicLong nextId;
    private final Map<Long, Expect> rows = new ConcurrentHashMap<>();

    Ledger(long firstId) {
        this.nextId = new AtomicLong(firstId);
    }

    /** Fresh ids, in doubt until the client knows better. */
    long[] issue(int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = nextId.getAndIncrement();
            rows.put(ids[i], Expect.IN_DOUBT);
        }
        return ids;
    }

    void mark(long[] ids, Expect e) {
        for (long id : ids) rows.put(id, e);
    }

    /** Counts by expectation. */
    Map<Expect, Integer> counts() {
        Map<Expect, Integer> c = new java.util.EnumMap<>(Expect.class);
        for (Expect e : Expect.values()) c.put(e, 0);
        rows.values().forEach(e -> c.merge(e, 1, Integer::sum));
        return c;
    }

    /**
     * Compares with the ids found in the table; returns the failures (empty if none) and fills
     * {@code inDoubtCommitted} with how many in-doubt rows turned out committed.
     */
    List<String> verify(Collection<Long> found, long[] inDoubtCommitted) {
        Set<Long> present = new HashSet<>(found);
        List<Long> lost = new ArrayList<>();
        List<Long> phantom = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        long doubtCommitted = 0;
        for (Map.Entry<Long, Expect> e : rows.entrySet()) {
            boolean there = present.contains(e.getKey());
            switch (e.getValue()) {
                case COMMITTED -> {
                    if (!there) lost.add(e.getKey());
                }
                case ABSENT -> {
                    if (there) phantom.add(e.getKey());
                }
                case IN_DOUBT -> {
                    if (there) doubtCommitted++;
                }
            }
        }
        for (long id : present) {
            if (!rows.containsKey(id)) unknown.add(id);
        }
        inDoubtCommitted[0] = doubtCommitted;
        List<String> failures = new ArrayList<>();
        if (!lost.isEmpty()) {
            failures.add(lost.size() + " acknowledged commits are missing from " + TABLE + " (lost transactions), e.g. ids "
                    + sample(lost));
        }
        if (!phantom.isEmpty()) {
            failures.add(phantom.size() + " rows of clients that died before asking for a commit were committed"
                    + " anyway (the pooler committed a dead client's work), e.g. ids " + sample(phantom));
        }
        if (!unknown.isEmpty()) {
            failures.add(unknown.size() + " rows in " + TABLE + " that no client inserted, e.g. ids " + sample(unknown));
        }
        return failures;
    }

    private static String sample(List<Long> ids) {
        return ids.stream().sorted().limit(10).toList().toString();
    }
}
