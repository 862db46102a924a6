package io.weft.net;

import io.weft.scheduler.RingOperation;

/** The one operation of a kind in flight on a socket (a connect), where close can cancel it. */
final class OperationHolder {
    private volatile RingOperation op;

    void set(RingOperation op) {
        this.op = op;
    }

    void cancel() {
        RingOperation o = op;
        if (o != null) {
            o.cancel();
        }
    }
}
