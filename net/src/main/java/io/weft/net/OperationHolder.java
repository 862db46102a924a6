package io.weft.net;

import io.weft.scheduler.RingOperation;

/** The one operation of a kind in flight on a socket (a read, a write, a connect), where close can cancel it. */
final class OperationHolder {
    private volatile RingOperation op;

    /** Runs {@code o}, visible to {@link #cancel} while it runs. */
    int run(RingOperation o, long timeoutNanos) throws java.io.IOException {
        op = o;
        try {
            return o.run(timeoutNanos);
        } finally {
            op = null;
        }
    }

    void cancel() {
        RingOperation o = op;
        if (o != null) {
            o.cancel();
        }
    }
}
