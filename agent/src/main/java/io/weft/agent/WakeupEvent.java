package io.weft.agent;

import io.weft.poller.Events;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: a close or shutdown that woke a thread waiting in Weft ({@code Poller.stopPoll}). */
@Name("io.weft.Wakeup")
@Label("Weft Wake-up")
@Category({"Weft"})
@Description("A close or shutdown that woke a virtual thread waiting on a Weft carrier")
final class WakeupEvent extends Event {
    @Label("File Descriptor")
    int fd;

    @Label("Event")
    String event;

    static void offer(int fd, int event) {
        WakeupEvent e = new WakeupEvent();
        if (e.isEnabled()) {
            e.fd = fd;
            e.event = event == Events.IN ? "read" : "write";
            e.commit();
        }
    }
}
