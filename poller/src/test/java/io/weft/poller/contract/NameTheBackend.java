package io.weft.poller.contract;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Puts the backend in front of a failed assertion's message: Maven's report names both runs
 * of a parameterized class the same, so without it an epoll failure and an io_uring failure
 * look alike. Other exceptions are left as they are, with the backend added as suppressed.
 */
final class NameTheBackend implements TestExecutionExceptionHandler {
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        Object instance = context.getTestInstance().orElse(null);
        if (!(instance instanceof PollerContract contract) || contract.backend == null) {
            throw thrown;
        }
        if (thrown instanceof AssertionError) {
            AssertionError named = new AssertionError("[" + contract.backend + "] " + thrown.getMessage(), thrown.getCause());
            named.setStackTrace(thrown.getStackTrace());
            throw named;
        }
        thrown.addSuppressed(new Exception("while testing the " + contract.backend + " backend"));
        throw thrown;
    }
}
