package io.weft.net.conformance;

/**
 * One row of the conformance matrix: which sockets, on which threads. A test method runs its
 * body once per row ({@link Rows#all()}); {@link #run} records the outcome for
 * {@link SameResultsTest}.
 */
record Row(SocketFlavour sockets, ThreadKind threads) {

    /** The row this one must give the same outcomes as: JDK sockets on the same kind of thread. */
    Row reference() {
        return new Row(SocketFlavour.JDK, threads.referenceKind());
    }

    boolean isReference() {
        return equals(reference());
    }

    /**
     * Runs {@code body} on a thread of this row's kind and records its outcome under the name
     * of the calling test method (ClassName.method).
     */
    void run(CaseBody body) throws Exception {
        StackWalker.StackFrame caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.skip(1).findFirst()).orElseThrow();
        String caseName = caller.getDeclaringClass().getSimpleName() + "." + caller.getMethodName();
        CaseRun.run(caseName, this, body);
    }

    @Override
    public String toString() {
        return sockets + " on " + threads;
    }
}
