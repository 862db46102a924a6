package io.weft.pooler.lifecycle;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** log_level applied to the "io.weft" loggers (java.util.logging, behind System.Logger). */
public final class LogLevels {
    /** Held: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final Logger WEFT = Logger.getLogger("io.weft");

    private LogLevels() {}

    /** At start: the level, and a console handler of the same level. */
    public static void configure(String level) {
        WEFT.setUseParentHandlers(false);
        WEFT.addHandler(new ConsoleHandler());
        apply(level);
    }

    /** At a reload: the new level for the logger and its handlers. */
    public static void apply(String level) {
        Level l = switch (level) {
            case "error" -> Level.SEVERE;
            case "warning" -> Level.WARNING;
            case "debug" -> Level.FINE;
            default -> Level.INFO;
        };
        WEFT.setLevel(l);
        for (Handler h : WEFT.getHandlers()) h.setLevel(l);
    }
}
