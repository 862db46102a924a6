package io.weft.agent;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rewrites the JDK classes of {@link JdkRewriter} when they are loaded (or retransformed).
 * A rewrite that fails leaves the class as it was and is remembered, so the agent can report
 * it and stay out of the way.
 */
final class HookTransformer implements ClassFileTransformer {
    final Set<String> rewritten = ConcurrentHashMap.newKeySet();
    final Set<String> failed = ConcurrentHashMap.newKeySet();
    volatile Throwable firstFailure;
    private final Set<String> wanted;

    HookTransformer(Set<String> wanted) {
        this.wanted = wanted;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain domain, byte[] classfile) {
        if (loader != null || className == null || !wanted.contains(className)) {
            return null; // only the boot loader's JDK classes
        }
        try {
            byte[] out = JdkRewriter.rewrite(className, classfile);
            if (out != null) {
                rewritten.add(className);
            }
            return out;
        } catch (Throwable t) {
            failed.add(className);
            if (firstFailure == null) {
                firstFailure = t;
            }
            return null;
        }
    }
}
