package io.weft.pooler.lifecycle;

import io.weft.pooler.config.PoolerConfig;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a reload changes in weft-pooler.conf and the users file, in the options' own names.
 * Goes through every component of {@link PoolerConfig}, so an option added later is reported
 * without a change here; the databases file and the servers are reported by the pools.
 */
public final class ConfigDiff {
    /** Options read once at start: a reload keeps the running value and says so. */
    public static final Set<String> START_ONLY = Set.of("host", "port", "backend", "carriers", "write_behind");
    /** Reported elsewhere (pools, servers) or not an option. */
    private static final Set<String> NOT_OPTIONS = Set.of("file", "databases", "servers", "users");

    /** Options that changed and apply now (to new clients where per-client). */
    public final List<String> applied = new ArrayList<>();
    /** Options that changed in the file but only take effect at the next start. */
    public final List<String> kept = new ArrayList<>();

    private ConfigDiff() {}

    public static ConfigDiff between(PoolerConfig running, PoolerConfig fresh) {
        ConfigDiff d = new ConfigDiff();
        for (RecordComponent c : PoolerConfig.class.getRecordComponents()) {
            String name = optionName(c.getName());
            if (NOT_OPTIONS.contains(c.getName())) continue;
            Object was = value(c, running);
            Object now = value(c, fresh);
            if (Objects.equals(was, now)) continue;
            if (c.getName().endsWith("Millis")) {
                was = was + " ms";
                now = now + " ms";
            }
            if (START_ONLY.contains(name)) {
                d.kept.add(name + " " + now + " (running with " + was + ")");
            } else {
                d.applied.add(name + " " + was + " -> " + now);
            }
        }
        d.users(running.users(), fresh.users());
        return d;
    }

    private void users(Map<String, String> was, Map<String, String> now) {
        Set<String> added = new HashSet<>(now.keySet());
        added.removeAll(was.keySet());
        Set<String> removed = new HashSet<>(was.keySet());
        removed.removeAll(now.keySet());
        int changed = 0;
        for (String u : now.keySet()) {
            if (was.containsKey(u) && !was.get(u).equals(now.get(u))) changed++;
        }
        if (!added.isEmpty() || !removed.isEmpty() || changed > 0) {
            // Names, never passwords.
            applied.add("users: " + added.size() + " added " + new java.util.TreeSet<>(added) + ", " + removed.size()
                    + " removed " + new java.util.TreeSet<>(removed) + ", " + changed + " with a new password");
        }
    }

    private static Object value(RecordComponent c, PoolerConfig config) {
        try {
            return c.getAccessor().invoke(config);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }

    /** {@code blockingTimeoutMillis} -> {@code blocking_timeout}: the name in weft-pooler.conf. */
    static String optionName(String component) {
        String base = component.endsWith("Millis") ? component.substring(0, component.length() - 6) : component;
        return base.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
