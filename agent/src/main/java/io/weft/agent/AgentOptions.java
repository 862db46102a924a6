package io.weft.agent;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's options: {@code -javaagent:weft-agent.jar=backend=io_uring,carriers=4,scheduler=weft,log=info}.
 * Each may also be given as a system property (the agent argument wins): {@code weft.backend},
 * {@code weft.carriers}, {@code weft.agent.scheduler}, {@code weft.agent.files}, {@code weft.agent.log}.
 *
 * @param backend   {@code auto}, {@code io_uring}, {@code epoll} or {@code kqueue}
 * @param carriers  carrier threads; 0 for one per available processor
 * @param weftScheduler whether virtual threads made through the public APIs
 *                  ({@code Thread.ofVirtual()}, {@code Executors.newVirtualThreadPerTaskExecutor()},
 *                  ...) run on Weft's carriers ({@code scheduler=weft}, the default) or on the
 *                  JDK's ({@code scheduler=jdk}: then only threads the application starts on a
 *                  {@code WeftScheduler} itself go through Weft)
 * @param weftFiles whether {@code FileChannel} reads and writes of Weft virtual threads on
 *                  io_uring carriers become io_uring operations ({@code files=weft}) or stay the
 *                  JDK's blocking calls ({@code files=jdk}, the default); see {@link FileDispatch}
 * @param log       {@code quiet} (errors only), {@code info} (one line at start, the default) or
 *                  {@code debug}
 */
record AgentOptions(String backend, int carriers, boolean weftScheduler, boolean weftFiles, String log) {
    static AgentOptions parse(String agentArgs, Properties props) {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("backend", props.getProperty("weft.backend", "auto"));
        given.put("carriers", props.getProperty("weft.carriers", "0"));
        given.put("scheduler", props.getProperty("weft.agent.scheduler", "weft"));
        given.put("files", props.getProperty("weft.agent.files", "jdk"));
        given.put("log", props.getProperty("weft.agent.log", "info"));
        if (agentArgs != null && !agentArgs.isBlank()) {
            for (String part : agentArgs.split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("option '" + part + "' is not name=value");
                }
                String name = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                if (!given.containsKey(name)) {
                    throw new IllegalArgumentException("unknown option '" + name
                            + "' (known: backend, carriers, scheduler, files, log)");
                }
                given.put(name, part.substring(eq + 1).trim());
            }
        }
        String backend = given.get("backend").toLowerCase(Locale.ROOT);
        if (!backend.matches("auto|io_uring|epoll|kqueue")) {
            throw new IllegalArgumentException("backend=" + backend + ": must be auto, io_uring, epoll or kqueue");
        }
        int carriers;
        try {
            carriers = Integer.parseInt(given.get("carriers"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("carriers=" + given.get("carriers") + ": not a number");
        }
        if (carriers < 0 || carriers > 1024) {
            throw new IllegalArgumentException("carriers=" + carriers + ": must be 0 (one per CPU) to 1024");
        }
        String scheduler = given.get("scheduler").toLowerCase(Locale.ROOT);
        if (!scheduler.equals("weft") && !scheduler.equals("jdk")) {
            throw new IllegalArgumentException("scheduler=" + scheduler + ": must be weft or jdk");
        }
        String files = given.get("files").toLowerCase(Locale.ROOT);
        if (!files.equals("weft") && !files.equals("jdk")) {
            throw new IllegalArgumentException("files=" + files + ": must be weft or jdk");
        }
        String log = given.get("log").toLowerCase(Locale.ROOT);
        if (!log.matches("quiet|info|debug")) {
            throw new IllegalArgumentException("log=" + log + ": must be quiet, info or debug");
        }
        return new AgentOptions(backend, carriers, scheduler.equals("weft"), files.equals("weft"), log);
    }

    boolean verbose() {
        return !log.equals("quiet");
    }

    @Override
    public String toString() {
        return "backend=" + backend + ",carriers=" + carriers + ",scheduler=" + (weftScheduler ? "weft" : "jdk")
                + ",files=" + (weftFiles ? "weft" : "jdk") + ",log=" + log;
    }
}
