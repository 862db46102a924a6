/**
 * The conformance suite of issue 4: one behaviour suite, run against the JDK's own
 * {@code Socket}/{@code ServerSocket} and against {@code WeftSocket}/{@code WeftServerSocket},
 * that must give the same results.
 *
 * <ul>
 *   <li>Each {@code *ConformanceTest} method is a {@link io.weft.net.conformance.ConformanceTest}
 *       run once per {@link io.weft.net.conformance.Row} of the matrix ({@link io.weft.net.conformance.Rows}):
 *       a {@link io.weft.net.conformance.SocketFlavour} (JDK or Weft sockets) on a
 *       {@link io.weft.net.conformance.ThreadKind} (platform threads, JDK virtual threads, Weft
 *       virtual threads on io_uring in completion and in readiness mode, on epoll).</li>
 *   <li>Its body is written once against java.net types; every step asserts the JDK's concrete
 *       outcome and is recorded in a {@link io.weft.net.conformance.Trace}.</li>
 *   <li>{@link io.weft.net.conformance.SameResultsTest} (run last) asserts that every row's trace
 *       equals its JDK reference's (JDK sockets on the same kind of thread) and prints a diff
 *       per behaviour that differs; all traces go to {@code net/target/conformance/outcomes.txt}.</li>
 *   <li>Every class checks for leaked descriptors and native memory (the poller test kit's
 *       {@code LeakCheck}) and for threads left behind; every row has a 20 s timeout.</li>
 * </ul>
 *
 * <p>Run it alone with
 * {@code JAVA_HOME=<jdk25> mvn -pl net -am test -Dtest='io.weft.net.conformance.**' -Dsurefire.failIfNoSpecifiedTests=false}
 * (or {@code -Dtest=SameResultsTest}, which runs every row itself); {@code ./weft test} runs it
 * with everything else.
 */
package io.weft.net.conformance;
