package io.weft.net.conformance;

import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Runs {@link SameResultsTest} after every other test class of the module, so it finds every
 * row already run (it would run the missing ones itself, only slower). The other classes keep
 * their order. Configured in {@code junit-platform.properties}.
 */
public final class SameResultsLast implements ClassOrderer {
    @Override
    public void orderClasses(ClassOrdererContext context) {
        // List.sort is stable: false sorts before true, everything else keeps its place.
        context.getClassDescriptors().sort(Comparator.comparing(d -> d.getTestClass() == SameResultsTest.class));
    }
}
