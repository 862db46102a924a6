package io.weft.agent;

import io.weft.poller.Backend;
import io.weft.poller.PollerConfig;
import io.weft.scheduler.SchedulerConfig;
import io.weft.scheduler.WeftScheduler;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.ObjectName;

/**
 * {@code -javaagent:weft-agent.jar[=options]}: makes an unmodified application's blocking
 * socket waits on virtual threads go through Weft's carriers. See docs/agent.md.
 *
 * <p>The set-up, in order; any failure prints one line and leaves the JDK as it was (the
 * hooks stay inert while their method handles are null), never failing the application:
 * <ol>
 *   <li>refuse JDKs other than 25+;</li>
 *   <li>open {@code java.lang}, {@code sun.nio.ch} and {@code jdk.internal.module} of
 *       {@code java.base} to the agent ({@link Instrumentation#redefineModule});</li>
 *   <li>define {@code sun.nio.ch.WeftHook} ({@link HookClass});</li>
 *   <li>rewrite {@code Poller}, {@code ThreadBuilders}, {@code VirtualThread} as they load, or
 *       retransform them if already loaded ({@link JdkRewriter});</li>
 *   <li>start a {@link WeftScheduler} (which first initialises the JDK's own pollers on a
 *       platform thread, so they never inherit Weft's carriers);</li>
 *   <li>point the hook's method handles at {@link Bridge}: from here on it is live.</li>
 * </ol>
 */
public final class WeftAgent {
    private static final String PREFIX = "weft-agent: ";
    private static volatile WeftScheduler scheduler;

    private WeftAgent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    /** The scheduler the agent started, or null if it is not active (for tests and tools). */
    public static WeftScheduler scheduler() {
        return scheduler;
    }

    private static synchronized void start(String args, Instrumentation inst) {
        if (scheduler != null) {
            return;
        }
        AgentOptions options;
        try {
            options = AgentOptions.parse(args, System.getProperties());
        } catch (IllegalArgumentException e) {
            say("not enabled: " + e.getMessage());
            return;
        }
        int feature = Runtime.version().feature();
        if (feature < 25) {
            say("not enabled: JDK " + Runtime.version() + " is not supported; Weft needs JDK 25 or newer");
            return;
        }
        Class<?> hook = null;
        try {
            openJavaBase(inst);
            enableNativeAccess();
            hook = defineHook();
            HookTransformer transformer = installRewrites(inst, options);
            WeftScheduler weft = WeftScheduler.start(schedulerConfig(options));
            if (!transformer.rewritten.contains(JdkRewriter.POLLER)) {
                weft.close();
                Throwable why = transformer.firstFailure;
                throw new IllegalStateException("sun.nio.ch.Poller could not be rewritten"
                        + (why == null ? "" : ": " + why));
            }
            if (options.weftFiles() && !transformer.rewritten.contains(JdkRewriter.FILE_DISPATCHER)) {
                weft.close();
                Throwable why = transformer.firstFailure;
                throw new IllegalStateException("sun.nio.ch.UnixFileDispatcherImpl could not be rewritten (files=weft)"
                        + (why == null ? "" : ": " + why));
            }
            setHandles(hook);
            Bridge.install(weft, options.weftScheduler());
            FileDispatch.enable(options.weftFiles());
            scheduler = weft;
            registerMBean(weft, options);
            if (options.verbose()) {
                say("on: " + weft.pollerBackend().configName() + ", " + weft.config().carriers() + " carriers, scheduler="
                        + (options.weftScheduler() ? "weft" : "jdk") + (options.weftFiles() ? ", files=weft" : "")
                        + rewrittenNote(transformer, options));
            }
        } catch (Throwable t) {
            Bridge.uninstall();
            FileDispatch.enable(false);
            if (hook != null) {
                clearHandles(hook);
            }
            say("not enabled: " + t + " (the application runs on the JDK's own poller)");
            if (options.log().equals("debug")) {
                t.printStackTrace();
            }
        }
    }

    private static String rewrittenNote(HookTransformer t, AgentOptions options) {
        if (!options.weftScheduler() || t.failed.isEmpty()) {
            return "";
        }
        return " (not rewritten: " + t.failed + ")";
    }

    private static void openJavaBase(Instrumentation inst) {
        Module javaBase = Object.class.getModule();
        Module agent = WeftAgent.class.getModule();
        Map<String, Set<Module>> opens = Map.of(
                "java.lang", Set.of(agent),
                "sun.nio.ch", Set.of(agent),
                "jdk.internal.module", Set.of(agent));
        inst.redefineModule(javaBase, Set.of(), Map.of(), opens, Set.of(), Map.of());
    }

    /**
     * The poller calls the kernel through restricted FFM methods; without
     * {@code --enable-native-access} the JDK warns on first use. The agent grants it as the flag
     * would; if that fails the warning is all that happens.
     *
     * <p>A {@code -javaagent} jar is on the system class path, so the agent's module is unnamed,
     * and the JDK keeps one native-access flag for all unnamed modules together:
     * {@code Modules.addEnableNativeAccessToAllUnnamed()} is what
     * {@code --enable-native-access=ALL-UNNAMED} does. (JDK 25 has no
     * {@code Modules.addEnableNativeAccess(Module)}: asking for it failed silently and the JDK
     * printed its four-line warning in every application.)
     */
    private static void enableNativeAccess() {
        try {
            Class.forName("jdk.internal.module.Modules").getMethod("addEnableNativeAccessToAllUnnamed").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the JDK prints its own warning once; nothing else changes
        }
    }

    private static Class<?> defineHook() throws ReflectiveOperationException {
        try {
            return Class.forName(HookClass.NAME, false, null); // attached twice: already there
        } catch (ClassNotFoundException notYet) {
            MethodHandles.Lookup inNio = MethodHandles.privateLookupIn(Class.forName("sun.nio.ch.Net", false, null),
                    MethodHandles.lookup());
            return inNio.defineClass(HookClass.bytes());
        }
    }

    private static HookTransformer installRewrites(Instrumentation inst, AgentOptions options) throws Exception {
        Set<String> wanted = new HashSet<>(Set.of(JdkRewriter.POLLER));
        if (options.weftScheduler()) {
            wanted.add(JdkRewriter.THREAD_BUILDERS);
            wanted.add(JdkRewriter.VIRTUAL_THREAD);
        }
        if (options.weftFiles()) {
            wanted.add(JdkRewriter.FILE_DISPATCHER);
        }
        HookTransformer transformer = new HookTransformer(wanted);
        inst.addTransformer(transformer, true);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getClassLoader() == null && wanted.contains(c.getName().replace('.', '/'))) {
                loaded.add(c);
            }
        }
        if (!loaded.isEmpty()) {
            inst.retransformClasses(loaded.toArray(Class<?>[]::new));
        }
        return transformer;
    }

    private static SchedulerConfig schedulerConfig(AgentOptions options) {
        PollerConfig poller = PollerConfig.fromSystemProperties()
                .withBackend(options.backend().equals("auto") ? null : Backend.fromConfigName(options.backend()));
        SchedulerConfig config = SchedulerConfig.fromSystemProperties().withPoller(poller);
        // options.carriers() already holds weft.carriers unless the agent argument overrode it;
        // 0 (one per CPU) must override the property too, so it is resolved here.
        return config.withCarriers(options.carriers() > 0 ? options.carriers() : Runtime.getRuntime().availableProcessors());
    }

    private static void setHandles(Class<?> hook) throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        hook.getField("POLL").set(null, lookup.findStatic(Bridge.class, "poll",
                MethodType.methodType(boolean.class, int.class, int.class, long.class, BooleanSupplier.class)));
        hook.getField("POLL_SELECTOR").set(null, lookup.findStatic(Bridge.class, "pollSelector",
                MethodType.methodType(boolean.class, int.class, long.class)));
        hook.getField("STOP_POLL").set(null, lookup.findStatic(Bridge.class, "stopPoll",
                MethodType.methodType(void.class, int.class, int.class)));
        hook.getField("DEFAULT_SCHEDULER").set(null, lookup.findStatic(Bridge.class, "defaultScheduler",
                MethodType.methodType(Executor.class)));
        hook.getField("SCHEDULE").set(null, lookup.findStatic(Bridge.class, "schedule",
                MethodType.methodType(Future.class, Executor.class, Runnable.class, long.class, TimeUnit.class)));
        hook.getField("FILE_IO").set(null, lookup.findStatic(FileDispatch.class, "transfer",
                MethodType.methodType(int.class, int.class, long.class, int.class, long.class, boolean.class)));
    }

    private static void clearHandles(Class<?> hook) {
        for (String f : HookClass.FIELDS) {
            try {
                hook.getField(f).set(null, (MethodHandle) null);
            } catch (ReflectiveOperationException | RuntimeException ignored) {
                // an inert hook either way
            }
        }
    }

    private static void registerMBean(WeftScheduler weft, AgentOptions options) {
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new AgentMXBeanImpl(weft, options.toString()),
                    new ObjectName("io.weft:type=Agent"));
        } catch (Exception | LinkageError e) {
            if (options.log().equals("debug")) {
                say("JMX registration failed: " + e);
            }
        }
    }

    private static void say(String line) {
        System.err.println(PREFIX + line);
    }
}
