package io.weft.net.conformance;

/** A conformance test's body, written once against java.net types and run on every row. */
@FunctionalInterface
interface CaseBody {
    void run(Conformance c) throws Exception;
}
