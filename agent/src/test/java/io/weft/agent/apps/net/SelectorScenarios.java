package io.weft.agent.apps.net;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Map;

/** Selector.select() on a virtual thread: woken by a ready channel, by wakeup(), by its timeout, by an interrupt. */
final class SelectorScenarios {
    private SelectorScenarios() {}

    static void addTo(Map<String, Scenario> all) {
        all.put("selector-ready", SelectorScenarios::ready);
        all.put("selector-wakeup", SelectorScenarios::wakeup);
        all.put("selector-timeout", SelectorScenarios::timeout);
        all.put("selector-interrupt", SelectorScenarios::interrupt);
    }

    /** A selector watching a pipe's source for reading, nothing written yet. */
    private record Watched(Pipe pipe, Selector selector, SelectionKey key) implements AutoCloseable {
        static Watched open() throws Exception {
            Pipe p = Pipe.open();
            p.source().configureBlocking(false);
            Selector s = Selector.open();
            return new Watched(p, s, p.source().register(s, SelectionKey.OP_READ));
        }

        @Override
        public void close() throws Exception {
            selector.close();
            pipe.source().close();
            pipe.sink().close();
        }
    }

    static String ready() throws Exception {
        try (Watched w = Watched.open()) {
            Background<Integer> selecting = Background.start(() -> w.selector().select()).awaitBlocked();
            w.pipe().sink().write(ByteBuffer.wrap(new byte[] {1}));
            int n = selecting.get();
            return "select() = " + n + ", selected " + w.selector().selectedKeys().contains(w.key())
                    + ", readable " + w.key().isReadable();
        }
    }

    static String wakeup() throws Exception {
        try (Watched w = Watched.open()) {
            Background<Integer> selecting = Background.start(() -> w.selector().select()).awaitBlocked();
            w.selector().wakeup();
            return "select() = " + selecting.get() + " after wakeup()";
        }
    }

    static String timeout() throws Exception {
        try (Watched w = Watched.open()) {
            long t0 = System.nanoTime();
            int n = w.selector().select(150);
            return "select(150) = " + n + " " + Outcome.atLeast(t0, 150);
        }
    }

    static String interrupt() throws Exception {
        try (Watched w = Watched.open()) {
            Background<String> selecting = Background.start(() -> {
                int n = w.selector().select();
                return "select() = " + n + ", interrupted " + Thread.currentThread().isInterrupted()
                        + ", selector open " + w.selector().isOpen();
            }).awaitBlocked();
            selecting.thread.interrupt();
            return selecting.get();
        }
    }
}
