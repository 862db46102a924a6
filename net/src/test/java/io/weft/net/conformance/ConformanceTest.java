package io.weft.net.conformance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A conformance test method: {@code void name(Row row)} whose body is {@code row.run(c -> ...)},
 * run once per row of the matrix. {@link SameResultsTest} finds these methods by this annotation.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@MethodSource("io.weft.net.conformance.Rows#all")
@interface ConformanceTest {}
