package io.weft.stress.soak;

/**
 * Test only ({@code -Dweft.soak.flaw=...} on the server JVM): a deliberate bug in the soak's echo
 * server, so that a test can show the soak catches that kind of bug (a checker that never fails
 * proves nothing). Never set by {@code ./weft stress soak}.
 */
enum ServerFlaw {
    NONE,
    /** One bit flipped in byte 100 of every 50th connection's echo: must fail as corruption. */
    CORRUPT,
    /** Every 50th connection is never closed and stays reachable: must fail as a leak. */
    LEAK;

    static ServerFlaw current() {
        String v = System.getProperty("weft.soak.flaw", "none");
        return valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
