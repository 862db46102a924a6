package io.weft.poller.testkit;

import java.lang.ref.Cleaner;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * The monitor that the JDK's common {@code Cleaner} takes to register a cleanable (its
 * {@code CleanerImpl.activeList}), which {@code Arena.ofAuto()} does for every automatic arena.
 * Reached by reflection (the test JVMs of poller and scheduler open {@code java.lang.ref} and
 * {@code jdk.internal.ref}: the parent pom's {@code weft.test.cleaner.opens}), so a test can
 * hold it and show that some path never needs it.
 */
public final class CommonCleanerLock {
    private CommonCleanerLock() {}

    public static Object get() throws ReflectiveOperationException {
        Method common = Class.forName("jdk.internal.ref.CleanerFactory").getMethod("cleaner");
        Cleaner cleaner = (Cleaner) common.invoke(null);
        Field impl = Cleaner.class.getDeclaredField("impl");
        impl.setAccessible(true);
        Object cleanerImpl = impl.get(cleaner);
        Field activeList = cleanerImpl.getClass().getDeclaredField("activeList");
        activeList.setAccessible(true);
        return activeList.get(cleanerImpl);
    }
}
