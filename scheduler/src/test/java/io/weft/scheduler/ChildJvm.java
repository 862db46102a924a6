package io.weft.scheduler;

import java.io.IOException;

/** Helpers for tests that run a child JVM. */
final class ChildJvm {
    private ChildJvm() {}

    /**
     * Reads what the child printed and closes its pipes now: left to the garbage collector,
     * they close during some later test class, whose leak check then reports descriptors
     * open before it that it closed.
     */
    static String drainAndClose(Process p) throws IOException {
        try {
            return new String(p.getInputStream().readAllBytes());
        } finally {
            p.getOutputStream().close();
            p.getInputStream().close();
            p.getErrorStream().close();
        }
    }
}
