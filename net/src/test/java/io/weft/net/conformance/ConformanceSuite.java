package io.weft.net.conformance;

import io.weft.poller.testkit.LeakCheck;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A class of conformance tests: no descriptor or native memory may leak across the class
 * ({@link LeakCheck}), no thread a test started may outlive it ({@link NoThreadsLeft}), and no
 * row may run longer than 20 s (each row also bounds its own joins well below that, so a hang
 * becomes a recorded outcome rather than a timeout).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(LeakCheck.class)
@ExtendWith(NoThreadsLeft.class)
@Timeout(20)
@interface ConformanceSuite {}
