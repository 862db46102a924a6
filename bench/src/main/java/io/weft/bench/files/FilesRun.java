package io.weft.bench.files;

/**
 * One row of one mode: a target reading the file, or why it could not.
 *
 * @param target   what read
 * @param mode     cold or hot
 * @param measured the load's figures, or null when the row failed
 * @param threads  how the threads were described ("2 io_uring carriers", ...)
 * @param note     what went wrong, or "" when nothing did
 */
record FilesRun(FilesTarget target, CacheMode mode, RandomReads.Measured measured, String threads, String note) {

    static FilesRun failed(FilesTarget target, CacheMode mode, String threads, String why) {
        return new FilesRun(target, mode, null, threads, why);
    }

    /** Measured, every read right, every reader returned, no error. */
    boolean ok() {
        return measured != null && measured.reads() > 0 && measured.wrong() == 0 && measured.unfinished() == 0
                && measured.error() == null;
    }

    /** A latency percentile in microseconds. */
    double micros(double percentile) {
        return measured.latency().getValueAtPercentile(percentile) / 1000.0;
    }

    double cpuMicrosPerRead() {
        return measured.cpuSeconds() * 1e6 / measured.reads();
    }
}
