package io.weft.stress;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.grading.GradingResult;
import org.openjdk.jcstress.infra.runners.TestConfig;
import org.openjdk.jcstress.vm.CompileMode;

/**
 * Runs weft's jcstress tests and turns the results into a verdict and an exit code.
 *
 * <pre>
 *   java -jar stress/target/weft-jcstress.jar [quick|full|selfcheck] [jcstress options]
 * </pre>
 *
 * <ul>
 *   <li>{@code quick}: the pass that {@code mvn verify} runs; about four minutes on two cores.</li>
 *   <li>{@code full} (the default): jcstress's own default mode, every VM configuration and
 *       compilation mode. Add {@code -m tough} or {@code -m stress} for longer runs.</li>
 *   <li>{@code selfcheck}: runs the deliberately broken protocols of
 *       {@code io.weft.stress.selfcheck} and passes only if jcstress catches every one of them
 *       with a forbidden outcome: proof that the real tests can fail.</li>
 * </ul>
 *
 * Any jcstress option may follow and overrides the preset ({@code -h} lists them). The runner
 * adds {@code --enable-native-access=ALL-UNNAMED} to the forked test VMs, keeps the live
 * jcstress states (each holding an eventfd) under the descriptor limit, writes the report and
 * the result blob to {@code stress/target/jcstress-results[-preset]/}, and exits 0 only if
 * every selected test ran without an error and without a forbidden outcome.
 *
 * <p>jcstress 0.16's own exit code is not enough: a forbidden outcome does make it exit 1 (an
 * uncaught {@code AssertionError} from its report), but "no matching tests" exits 0, and a
 * test whose classes fail to link ({@code API_MISMATCH}, e.g. weft-poller missing from the
 * class path) is skipped silently.
 */
public final class JCStressRunner {
    /** Descriptors each live jcstress state of weft's tests holds (one eventfd). */
    private static final int FDS_PER_STATE = 1;
    /** Descriptors kept free for the forked JVM itself (jars, sockets, its own eventfds). */
    private static final int FD_RESERVE = 1024;

    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /**
     * All of weft's tests except the deliberately broken ones: {@code io.weft.stress.<module>},
     * and {@code io.weft.scheduler} / {@code io.weft.net} / {@code io.weft.pooler} for the tests of
     * those modules' package-private protocols.
     */
    private static final String SUITE = "^io\\.weft\\.(stress\\.(?!selfcheck\\.)|scheduler\\.|net\\.|files\\.|pooler\\.)";
    private static final String SELFCHECK = "^io\\.weft\\.stress\\.selfcheck\\.";

    /** jcstress options that take a value (required, or optional when one follows). */
    private static final Set<String> WITH_VALUE = Set.of("r", "p", "t", "strideSize", "strideCount", "time",
            "iters", "c", "hs", "spinStyle", "m", "jvmArgs", "jvmArgsPrepend");
    private static final Set<String> OPTIONAL_VALUE = Set.of("l", "f", "fsm", "sc", "af", "pth");

    private JCStressRunner() {}

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String preset = "full";
        if (!rest.isEmpty() && Set.of("quick", "full", "selfcheck").contains(rest.get(0))) {
            preset = rest.remove(0);
        }
        Map<String, List<String>> opts;
        try {
            opts = parse(rest);
        } catch (IllegalArgumentException e) {
            System.err.println("weft: " + e.getMessage());
            System.exit(2);
            return;
        }

        // Presets first; whatever the caller gave overrides them.
        Map<String, List<String>> defaults = new LinkedHashMap<>();
        switch (preset) {
            case "quick", "selfcheck" -> {
                // jcstress "quick" (200 ms iterations), without split per-actor compilation: one
                // fork in each of the interpreter, C1, C2 and C2-with-stress VMs per test. So that
                // the suite (33 tests) stays near four minutes on two cores: 3 iterations per fork
                // instead of quick's 5, and no heap pre-touch (-XX:+AlwaysPreTouch of the forks'
                // 256 MB heap costs ~0.4 s per fork on this VM and does not change what a test
                // can observe).
                put(defaults, "m", "quick");
                put(defaults, "sc", "false");
                put(defaults, "iters", "3");
                put(defaults, "pth", "false");
            }
            default -> put(defaults, "m", "default");
        }
        put(defaults, "t", preset.equals("selfcheck") ? SELFCHECK : SUITE);
        Path results = defaultResultDir(preset);
        put(defaults, "r", results.toString());
        defaults.forEach(opts::putIfAbsent);
        results = Path.of(opts.get("r").get(0));

        // The forked test VMs call into the kernel through FFM.
        List<String> prepend = new ArrayList<>();
        for (String v : opts.getOrDefault("jvmArgsPrepend", List.of())) {
            prepend.addAll(Arrays.asList(v.trim().split("\\s+")));
        }
        // jcstress already hands this VM's own flags to the forks; add it only if missing there.
        List<String> own = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (!prepend.contains(NATIVE_ACCESS) && !own.contains(NATIVE_ACCESS)) {
            prepend.add(0, NATIVE_ACCESS);
        }
        if (prepend.isEmpty()) {
            opts.remove("jvmArgsPrepend");
        } else {
            opts.put("jvmArgsPrepend", prepend);
        }

        if (opts.containsKey("h") || opts.containsKey("l")) {
            org.openjdk.jcstress.Main.main(toArgs(opts));
            return;
        }

        Options options = parseOptions(opts);
        boundLiveStates(opts, options);
        options = parseOptions(opts);

        long start = System.nanoTime();
        String blob;
        SortedSet<String> selected = new JCStress(options).getTests();
        if (options.shouldParse()) {
            blob = options.getResultFile();
            try {
                new JCStress(options).parseResults();
            } catch (AssertionError e) {
                System.out.println(e.getMessage()); // judged below
            }
        } else {
            System.out.println("weft: running jcstress, preset " + preset + ": " + String.join(" ", toArgs(opts)));
            System.out.println();
            try {
                new JCStress(options).run();
            } catch (AssertionError e) {
                // jcstress's ExceptionReportPrinter: "TEST FAILURES: ...". Judged below.
                System.out.println(e.getMessage());
            }
            blob = options.getResultFile();
            Path from = Path.of(blob);
            if (Files.exists(from)) {
                Files.createDirectories(results);
                Path to = results.resolve(from.getFileName());
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
                blob = to.toString();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        boolean ok = verdict(preset, selected, blob, results, took);
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }

    /** Per test: what the runs showed. */
    private static final class Stats {
        int runs;
        long samples;
        final List<String> errors = new ArrayList<>();
        /** Forbidden (or ungraded) outcome id -> {total count, runs it was seen in}; where first; its description. */
        final Map<String, long[]> forbidden = new TreeMap<>();
        final Map<String, String> forbiddenWhere = new TreeMap<>();
        final Map<String, String> forbiddenDesc = new TreeMap<>();
        long interesting;

        boolean clean() {
            return runs > 0 && errors.isEmpty() && forbidden.isEmpty();
        }
    }

    private static boolean verdict(String preset, SortedSet<String> selected, String blob, Path results,
                                   Duration took) throws Exception {
        Map<String, Stats> byTest = new TreeMap<>();
        for (String t : selected) {
            byTest.put(t, new Stats());
        }
        if (Files.exists(Path.of(blob))) {
            InProcessCollector collector = new InProcessCollector();
            DiskReadCollector reader = new DiskReadCollector(blob, collector);
            reader.dump();
            reader.close();
            for (TestResult r : collector.getTestResults()) {
                Stats s = byTest.computeIfAbsent(r.getName(), k -> new Stats());
                s.runs++;
                TestConfig c = r.getConfig();
                String where = "fork #" + (c.forkId + 1) + ", " + CompileMode.description(c.getCompileMode(), c.actorNames)
                        .replaceAll("\\s+", " ").trim() + ", JVM args " + c.jvmArgs;
                switch (r.status()) {
                    case NORMAL -> {
                        s.samples += r.getTotalCount();
                        for (GradingResult g : r.grading().gradingResults.values()) {
                            if (g.count == 0) {
                                continue;
                            }
                            if (g.expect == Expect.FORBIDDEN || g.expect == Expect.UNKNOWN) {
                                long[] n = s.forbidden.computeIfAbsent(g.id, k -> new long[2]);
                                n[0] += g.count;
                                n[1]++;
                                s.forbiddenWhere.putIfAbsent(g.id, where);
                                s.forbiddenDesc.putIfAbsent(g.id, g.expect == Expect.UNKNOWN
                                        ? "an outcome the test does not grade" : g.description);
                            } else if (g.expect == Expect.ACCEPTABLE_INTERESTING) {
                                s.interesting += g.count;
                            }
                        }
                    }
                    default -> {
                        String msg = r.getMessages().stream().filter(m -> !m.isBlank()).findFirst().orElse("");
                        s.errors.add(r.status() + " (" + where + ")" + (msg.isEmpty() ? "" : ": " + msg.trim()));
                    }
                }
            }
        }

        boolean selfcheck = preset.equals("selfcheck");
        int bad = 0;
        int runs = 0;
        long samples = 0;
        long forbiddenHits = 0;
        int errors = 0;
        System.out.println();
        System.out.println("weft jcstress verdict (" + preset + "):");
        for (Map.Entry<String, Stats> e : byTest.entrySet()) {
            Stats s = e.getValue();
            runs += s.runs;
            samples += s.samples;
            errors += s.errors.size();
            for (long[] n : s.forbidden.values()) {
                forbiddenHits += n[0];
            }
            boolean good = selfcheck ? s.runs > 0 && s.errors.isEmpty() && !s.forbidden.isEmpty() : s.clean();
            if (!good) {
                bad++;
            }
            String label = selfcheck ? (good ? "[CAUGHT]" : "[MISSED]") : (good ? "[OK]" : "[FAILED]");
            System.out.printf("  %-9s %s: %d run%s, %,d samples%s%n", label, e.getKey(), s.runs, s.runs == 1 ? "" : "s",
                    s.samples, s.interesting > 0 ? String.format(", %,d interesting", s.interesting) : "");
            if (s.runs == 0) {
                System.out.println("              did not run at all");
            }
            for (Map.Entry<String, long[]> f : s.forbidden.entrySet()) {
                long[] n = f.getValue();
                System.out.printf("              FORBIDDEN \"%s\" %,d times in %d of %d runs: %s%n", f.getKey(), n[0], n[1],
                        s.runs, s.forbiddenDesc.get(f.getKey()));
                System.out.printf("                first in %s%n", s.forbiddenWhere.get(f.getKey()));
            }
            for (String err : s.errors) {
                System.out.println("              ERROR " + err);
            }
        }
        boolean ok = bad == 0 && !byTest.isEmpty();
        String what = selfcheck
                ? (ok ? "every broken protocol was caught" : bad + " broken protocol(s) NOT caught or in error")
                : String.format("%,d forbidden outcome(s), %d error(s)", forbiddenHits, errors);
        if (byTest.isEmpty()) {
            what = "no test matched";
        }
        System.out.println();
        System.out.printf("WEFT JCSTRESS %s %s: %d test(s)%s, %d run(s), %,d samples, %s, in %ds; report %s%n",
                preset.toUpperCase(), ok ? "PASSED" : "FAILED", byTest.size(), selfcheck ? " (broken on purpose)" : "",
                runs, samples, what, took.toSeconds(), results.resolve("index.html"));
        return ok;
    }

    /**
     * jcstress keeps strideSize x strideCount states of a test alive at once (default 256 x 40
     * = 10240), and each of weft's states holds an eventfd until its arbiter closes it. The
     * forked VMs inherit this VM's descriptor limit (HotSpot has already raised the soft limit
     * to the hard one), so lower strideCount, then strideSize, until the states fit.
     */
    private static void boundLiveStates(Map<String, List<String>> opts, Options options) {
        long limit = openFileLimit();
        long budget = Math.max(1, (limit - FD_RESERVE) / FDS_PER_STATE);
        long size = options.getStrideSize();
        long count = options.getStrideCount();
        if (size * count <= budget) {
            return;
        }
        if (size > budget) {
            size = budget;
        }
        count = Math.max(1, budget / size);
        System.out.printf("weft: %d live jcstress states would exceed the descriptor limit of %d; using -strideSize %d"
                + " -strideCount %d%n", options.getStrideSize() * options.getStrideCount(), limit, size, count);
        opts.put("strideSize", List.of(Long.toString(size)));
        opts.put("strideCount", List.of(Long.toString(count)));
    }

    /** The soft RLIMIT_NOFILE of this process, from /proc/self/limits (1024 if unknown). */
    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE / 2 : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or unreadable: assume the common default.
        }
        return 1024;
    }

    /** stress/target/jcstress-results[-preset], next to the jar (or classes directory) of this class. */
    private static Path defaultResultDir(String preset) throws URISyntaxException {
        Path code = Path.of(JCStressRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path target = code.getParent();
        return target.resolve(preset.equals("full") ? "jcstress-results" : "jcstress-results-" + preset);
    }

    private static Map<String, List<String>> parse(List<String> args) {
        Map<String, List<String>> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "' (presets quick, full,"
                        + " selfcheck go first; jcstress options start with '-'; -h lists them)");
            }
            String name = a.replaceFirst("^--?", "");
            String value = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (WITH_VALUE.contains(name) && i + 1 < args.size()) {
                value = args.get(++i);
            } else if (OPTIONAL_VALUE.contains(name) && i + 1 < args.size() && !args.get(i + 1).startsWith("-")) {
                value = args.get(++i);
            }
            List<String> values = opts.computeIfAbsent(name, k -> new ArrayList<>());
            if (value != null) {
                if (!name.equals("jvmArgsPrepend")) {
                    values.clear(); // the last one wins, as on most command lines
                }
                values.add(value);
            }
        }
        return opts;
    }

    private static void put(Map<String, List<String>> opts, String name, String value) {
        opts.put(name, new ArrayList<>(List.of(value)));
    }

    private static String[] toArgs(Map<String, List<String>> opts) {
        List<String> out = new ArrayList<>();
        opts.forEach((name, values) -> {
            if (values.isEmpty()) {
                out.add("-" + name);
            }
            for (String v : values) {
                out.add("-" + name);
                out.add(v);
            }
        });
        return out.toArray(String[]::new);
    }

    private static Options parseOptions(Map<String, List<String>> opts) throws IOException {
        Options options = new Options(toArgs(opts));
        if (!options.parse()) {
            System.exit(2);
        }
        return options;
    }
}
