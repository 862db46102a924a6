package io.weft.bench.files;

/** Whether the reads reach the device or the page cache. */
enum CacheMode {
    /** O_DIRECT: every read bypasses the page cache, so it is a device read ("cold"). */
    DIRECT("direct", "O_DIRECT (cold: every read from the device)"),
    /** No O_DIRECT, the whole file read once beforehand: every read a page-cache copy ("hot"). */
    CACHED("cached", "page cache (hot: the file read once beforehand)");

    final String key;
    final String label;

    CacheMode(String key, String label) {
        this.key = key;
        this.label = label;
    }

    static CacheMode ofKey(String key) {
        for (CacheMode m : values()) {
            if (m.key.equals(key)) return m;
        }
        throw new IllegalArgumentException("unknown mode '" + key + "' (known: direct, cached)");
    }
}
