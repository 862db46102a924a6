package io.weft.poller.faults;

import io.weft.poller.Poller;
import io.weft.poller.Pollers;

/** Child JVM of {@link FaultsAtStartTest}: opens and closes a poller, printing what the faults switch says. */
public final class OpenPoller {
    private OpenPoller() {}

    public static void main(String[] args) throws Exception {
        try (Poller p = Pollers.open()) {
            System.out.println("opened " + p.backend() + "; " + Faults.report());
        }
    }
}
