package io.weft.net.conformance;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every {@link ConformanceTest} method of this package, found on the test classpath, so that
 * {@link SameResultsTest} can run the rows that did not run before it (when it runs alone,
 * or first): the comparison then never depends on the order JUnit chose.
 */
final class EveryCase {
    record Case(Class<?> type, Method method) {
        String name() {
            return type.getSimpleName() + "." + method.getName();
        }
    }

    private EveryCase() {}

    static List<Case> find() throws IOException, URISyntaxException, ClassNotFoundException {
        URL here = EveryCase.class.getResource(EveryCase.class.getSimpleName() + ".class");
        Path dir = Path.of(here.toURI()).getParent();
        String pkg = EveryCase.class.getPackageName();
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String file = f.getFileName().toString();
                if (!file.endsWith(".class") || file.contains("$")) continue;
                Class<?> type = Class.forName(pkg + "." + file.substring(0, file.length() - ".class".length()));
                for (Method m : type.getDeclaredMethods()) {
                    if (m.isAnnotationPresent(ConformanceTest.class)) {
                        cases.add(new Case(type, m));
                    }
                }
            }
        }
        cases.sort(Comparator.comparing(Case::name));
        return cases;
    }

    /** Runs {@code row} of {@code c} unless it already has an outcome; its outcome lands in {@link OutcomeLog}. */
    static void runIfMissing(Case c, Row row) throws ReflectiveOperationException {
        if (OutcomeLog.get(c.name(), row) != null) {
            return;
        }
        Constructor<?> constructor = c.type().getDeclaredConstructor();
        constructor.setAccessible(true);
        Object instance = constructor.newInstance();
        c.method().setAccessible(true);
        try {
            c.method().invoke(instance, row);
        } catch (InvocationTargetException failedOrSkipped) {
            // Recorded in the OutcomeLog by Row.run, which is what gets compared.
        }
    }
}
