package io.weft.stress.selfcheck;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A copy of {@code io.weft.pooler.session.LiveSessions}' {@code add} and
 * {@code beginShutdown}, over {@link Member}s in place of {@code ClientSession}s, with one
 * {@link Flaw}; {@link Flaw#NONE} is the real code.
 */
final class BrokenLiveSessions {
    enum Flaw {
        NONE,
        /** {@code add} reads the shutting-down flag before it puts the session in the set. */
        CHECK_BEFORE_ADD
    }

    /** A session: counts the times it was told to end when idle. */
    static final class Member {
        volatile int toldToEnd;

        synchronized void endWhenIdle() {
            toldToEnd++;
        }
    }

    private final Flaw flaw;
    private final Set<Member> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean shuttingDown;

    BrokenLiveSessions(Flaw flaw) {
        this.flaw = flaw;
    }

    void add(Member s) {
        if (flaw == Flaw.CHECK_BEFORE_ADD) {
            boolean stopping = shuttingDown;
            sessions.add(s);
            if (stopping) s.endWhenIdle();
            return;
        }
        sessions.add(s);
        if (shuttingDown) s.endWhenIdle();
    }

    void beginShutdown() {
        shuttingDown = true;
        sessions.forEach(Member::endWhenIdle);
    }

    int size() {
        return sessions.size();
    }
}
