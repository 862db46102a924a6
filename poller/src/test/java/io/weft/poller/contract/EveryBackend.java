package io.weft.poller.contract;

import io.weft.poller.Backend;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs every test of the class once per backend ({@link PollerContract#backend}); a backend
 * that cannot run here skips, saying how to enable it ({@code KqueueTesting}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass(name = "[{index}] {0}")
@EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING", "KQUEUE"})
public @interface EveryBackend {}
