package io.weft.stress.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoakOptionsTest {

    @Test
    void defaultsAreTheFullSoak() {
        SoakOptions o = SoakOptions.parse(new String[0]);
        assertEquals(180, o.seconds());
        assertEquals(10_000, o.connections());
        assertEquals(List.of(SoakBackend.IO_URING, SoakBackend.IO_URING_MULTISHOT, SoakBackend.IO_URING_READINESS, SoakBackend.EPOLL),
                o.backends());
        assertNull(o.faults());
    }

    @Test
    void parsesEveryOption() {
        SoakOptions o = SoakOptions.parse(new String[] {"--minutes", "0.5", "--connections", "100", "--backends",
                "epoll,io-uring", "--faults", "recv:EAGAIN:0.01", "--stuck-seconds", "20", "--seed", "9"});
        assertEquals(30, o.seconds());
        assertEquals(100, o.connections());
        assertEquals(List.of(SoakBackend.EPOLL, SoakBackend.IO_URING), o.backends());
        assertEquals("recv:EAGAIN:0.01", o.faults());
        assertEquals(20, o.stuckSeconds());
        assertEquals(9, o.seed());
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> SoakOptions.parse(new String[] {"--backends", "kqueue"}));
        assertThrows(IllegalArgumentException.class, () -> SoakOptions.parse(new String[] {"--connections", "0"}));
        assertThrows(IllegalArgumentException.class, () -> SoakOptions.parse(new String[] {"--minutes"}));
        assertThrows(IllegalArgumentException.class, () -> SoakOptions.parse(new String[] {"--bogus", "1"}));
    }
}
