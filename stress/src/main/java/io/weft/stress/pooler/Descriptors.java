package io.weft.stress.pooler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * This JVM's open descriptors by kind, from {@code /proc/self/fd}: sockets, pipes, each kind of
 * anonymous inode (io_uring, eventfd, eventpoll, ...) and files. The pooler runs in this JVM
 * and the harness's own sockets are all closed before the end, so sockets, pipes and anonymous
 * inodes must come back to what they were before the load; files may grow (the JVM opens jars
 * as it loads classes) and are only reported.
 */
record Descriptors(Map<String, Integer> byKind) {
    static final String FILES = "file";

    static Descriptors now() {
        Map<String, Integer> kinds = new TreeMap<>();
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : list.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    continue; // closed meanwhile (or the directory's own descriptor)
                }
                kinds.merge(kind(target), 1, Integer::sum);
            }
        } catch (IOException e) {
            return new Descriptors(Map.of()); // no /proc: nothing to compare
        }
        return new Descriptors(kinds);
    }

    private static String kind(String target) {
        if (target.startsWith("socket:")) return "socket";
        if (target.startsWith("pipe:")) return "pipe";
        if (target.startsWith("anon_inode:")) return target; // anon_inode:[io_uring], [eventfd], ...
        return FILES;
    }

    int total() {
        return byKind.values().stream().mapToInt(Integer::intValue).sum();
    }

    int count(String kind) {
        return byKind.getOrDefault(kind, 0);
    }

    /** What differs from {@code before} in the kinds that must not change. */
    List<String> leaksSince(Descriptors before) {
        List<String> diffs = new ArrayList<>();
        java.util.Set<String> kinds = new java.util.TreeSet<>(byKind.keySet());
        kinds.addAll(before.byKind.keySet());
        for (String k : kinds) {
            if (k.equals(FILES)) continue;
            int was = before.count(k);
            int is = count(k);
            if (was != is) diffs.add(k + " " + was + " -> " + is);
        }
        return diffs;
    }

    @Override
    public String toString() {
        return total() + " " + byKind;
    }
}
