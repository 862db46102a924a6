package io.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.LeakCheck;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PollerConfig.from(Properties): good values parse, bad ones fail naming the property. */
@ExtendWith(LeakCheck.class)
class PollerConfigTest {

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void emptyPropertiesGiveTheDefaults() {
        assertEquals(PollerConfig.defaults(), PollerConfig.from(new Properties()));
        assertNull(PollerConfig.defaults().backend(), "auto is null");
    }

    @Test
    void goodValuesParse() {
        PollerConfig c = PollerConfig.from(props(
                "weft.backend", " EPOLL ",
                "weft.uring.entries", "64",
                "weft.uring.cqRatio", "2",
                "weft.epoll.maxEvents", "1024",
                "weft.test.refuseUring", "EPERM"));
        assertEquals(new PollerConfig(Backend.EPOLL, 64, 2, 1024, "EPERM"), c);
        assertEquals(Backend.IO_URING, PollerConfig.from(props("weft.backend", "io_uring")).backend());
        assertNull(PollerConfig.from(props("weft.backend", "auto")).backend());
        assertNull(PollerConfig.from(props("weft.test.refuseUring", " ")).refuseUring());
        assertEquals(Backend.KQUEUE, PollerConfig.from(props("weft.backend", "kqueue")).backend());
        assertEquals("/opt/lib/libkqueue.so",
                PollerConfig.from(props("weft.kqueue.library", " /opt/lib/libkqueue.so ")).kqueueLibrary());
        assertNull(PollerConfig.from(props("weft.kqueue.library", "")).kqueueLibrary(), "blank: the C library's kqueue");
    }

    @Test
    void sqPollParses() {
        PollerConfig c = PollerConfig.from(props("weft.uring.sqpoll", " 50 ", "weft.uring.sqpollRequired", "TRUE",
                "weft.test.refuseSqpoll", "EPERM"));
        assertEquals(50, c.sqPollIdleMillis());
        assertTrue(c.sqPoll() && c.sqPollRequired());
        assertEquals("EPERM", c.refuseSqPoll());
        assertEquals(PollerConfig.defaults().withSqPoll(50, true).withRefuseSqPoll("EPERM"), c);
        assertEquals(0, PollerConfig.from(props("weft.uring.sqpoll", "off")).sqPollIdleMillis());
        assertEquals(PollerConfig.defaults(), PollerConfig.from(props("weft.uring.sqpoll", "OFF", "weft.uring.sqpollRequired", "false")));
        assertEquals(60_000, PollerConfig.from(props("weft.uring.sqpoll", "60000")).sqPollIdleMillis());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "weft.backend          | foo",
        "weft.backend          | uring",
        "weft.uring.entries    | 3",
        "weft.uring.entries    | 0",
        "weft.uring.entries    | 1",
        "weft.uring.entries    | 65536",
        "weft.uring.entries    | lots",
        "weft.uring.cqRatio    | 0",
        "weft.uring.cqRatio    | 17",
        "weft.epoll.maxEvents  | 0",
        "weft.epoll.maxEvents  | 1e3",
        "weft.test.refuseUring | EWHATEVER",
        "weft.uring.sqpoll     | 0",
        "weft.uring.sqpoll     | -5",
        "weft.uring.sqpoll     | 60001",
        "weft.uring.sqpoll     | fast",
        "weft.uring.sqpollRequired | yes",
        "weft.uring.sqpollRequired | true",
        "weft.test.refuseSqpoll | EWHATEVER",
    })
    void badValuesFailNamingTheProperty(String name, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PollerConfig.from(props(name, value)));
        assertTrue(e.getMessage().startsWith(name + "="), () -> "message should start with '" + name + "=': " + e.getMessage());
        assertTrue(e.getMessage().contains(value), () -> "message should quote the value '" + value + "': " + e.getMessage());
    }

    @Test
    void theRecordChecksItsValuesToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PollerConfig(null, 100, 4, 256, null));
        assertTrue(e.getMessage().contains("weft.uring.entries"), e::getMessage);
    }

    @Test
    void withersKeepTheOtherFields() {
        PollerConfig c = new PollerConfig(null, 8, 2, 16, null);
        assertEquals(new PollerConfig(Backend.EPOLL, 8, 2, 16, null), c.withBackend(Backend.EPOLL));
        assertEquals(new PollerConfig(null, 8, 2, 16, "ENOMEM"), c.withRefuseUring("ENOMEM"));
        PollerConfig sq = c.withSqPoll(5, true);
        assertEquals(new PollerConfig(null, 8, 2, 16, null, null, 5, true, null), sq);
        assertEquals(new PollerConfig(Backend.IO_URING, 4, 1, 16, null, null, 5, true, null),
                sq.withBackend(Backend.IO_URING).withRingSize(4, 1));
    }
}
