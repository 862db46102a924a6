package io.weft.net.conformance;

import java.util.List;
import java.util.stream.Stream;

/**
 * The conformance matrix. The JDK rows come first: JUnit runs a parameterised test's rows in
 * this order, so a difference report can already name the reference's outcome.
 */
final class Rows {
    static final List<Row> ALL = List.of(
            new Row(SocketFlavour.JDK, ThreadKind.PLATFORM),
            new Row(SocketFlavour.JDK, ThreadKind.JDK_VIRTUAL),
            new Row(SocketFlavour.WEFT, ThreadKind.PLATFORM),
            // Not Weft's carriers, but Weft's sockets must block correctly on the JDK's scheduler too.
            new Row(SocketFlavour.WEFT, ThreadKind.JDK_VIRTUAL),
            new Row(SocketFlavour.WEFT, ThreadKind.WEFT_URING_COMPLETION),
            new Row(SocketFlavour.WEFT, ThreadKind.WEFT_URING_MULTISHOT_RECV),
            new Row(SocketFlavour.WEFT, ThreadKind.WEFT_URING_WRITE_BEHIND),
            new Row(SocketFlavour.WEFT, ThreadKind.WEFT_URING_READINESS),
            new Row(SocketFlavour.WEFT, ThreadKind.WEFT_EPOLL),
            new Row(SocketFlavour.WEFT, ThreadKind.WEFT_KQUEUE));

    private Rows() {}

    /**
     * The {@code @MethodSource} of every {@link ConformanceTest}. The system property
     * {@code weft.conformance.rows=jdk} keeps only the JDK's sockets: the agent module runs the
     * suite that way with {@code -javaagent}, to check {@code java.net.Socket} itself with its
     * waits going through Weft.
     */
    static Stream<Row> all() {
        boolean jdkOnly = "jdk".equals(System.getProperty("weft.conformance.rows"));
        return ALL.stream().filter(r -> !jdkOnly || r.sockets() == SocketFlavour.JDK);
    }
}
