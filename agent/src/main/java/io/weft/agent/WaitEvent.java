package io.weft.agent;

import io.weft.poller.Events;
import io.weft.scheduler.WaitResult;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR: a JDK socket or selector wait that Weft took (enabled with the usual JFR settings,
 * e.g. {@code -XX:StartFlightRecording}; off by default, so it costs a flag check).
 */
@Name("io.weft.Wait")
@Label("Weft Wait")
@Category({"Weft"})
@Description("A virtual thread's wait for a descriptor, routed by the agent to a Weft carrier")
@StackTrace(false)
final class WaitEvent extends Event {
    private static final WaitEvent PROBE = new WaitEvent();

    @Label("File Descriptor")
    int fd;

    @Label("Event")
    String event;

    @Label("Result")
    String result;

    /** A begun event if JFR records this event, else null (nothing allocated, no clock read). */
    static WaitEvent start() {
        if (!PROBE.isEnabled()) {
            return null;
        }
        WaitEvent e = new WaitEvent();
        e.begin();
        return e;
    }

    static void finish(WaitEvent e, int fd, int event, WaitResult result) {
        if (e == null) {
            return;
        }
        e.fd = fd;
        e.event = event == Events.IN ? "read" : "write";
        e.result = result.name();
        e.commit();
    }
}
