package io.weft.bench.echo;

/**
 * One cell of the benchmark: one server implementation under one load shape.
 *
 * @param status           how it went
 * @param load             what the load generator measured ({@code null} if it reported nothing)
 * @param serverCpuSeconds the server process's user + system CPU time over the measured window
 * @param description      what served the connections, as the server said
 * @param serverStop       how the server ended when told to ({@code "exit 0"}: cleanly)
 * @param note             why it failed or was skipped, and anything odd
 */
record EchoRun(Impl impl, int connections, int size, Status status, LoadResult load, double serverCpuSeconds,
               String description, String serverStop, String note) {

    enum Status { OK, FAILED, SKIPPED }

    static EchoRun skipped(Impl impl, int connections, int size, String why) {
        return new EchoRun(impl, connections, size, Status.SKIPPED, null, Double.NaN, null, null, why);
    }

    static EchoRun failed(Impl impl, int connections, int size, String why) {
        return new EchoRun(impl, connections, size, Status.FAILED, null, Double.NaN, null, null, why);
    }

    boolean ok() {
        return status == Status.OK;
    }

    /** The server stopped by itself when its input ended, with exit code 0. */
    boolean stoppedCleanly() {
        return "exit 0".equals(serverStop);
    }

    /** Server CPU time per request, in microseconds. */
    double cpuMicrosPerRequest() {
        return ok() && load.requests() > 0 ? serverCpuSeconds / load.requests() * 1e6 : Double.NaN;
    }
}
