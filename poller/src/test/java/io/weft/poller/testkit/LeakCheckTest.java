package io.weft.poller.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.sys.NativeMemory;
import io.weft.poller.sys.Sockets;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The leak check sees what it is meant to see, and nothing else. */
@ExtendWith(LeakCheck.class)
class LeakCheckTest {

    @Test
    void aSnapshotIsStableWhenNothingHappens() {
        LeakCheck.Snapshot s0 = LeakCheck.Snapshot.take();
        for (int i = 0; i < 20; i++) {
            System.gc();
            assertEquals(List.of(), LeakCheck.Snapshot.take().problemsSince(s0));
        }
    }

    @Test
    void seesALeakedPipeSocketAndAllocationAndTheirRelease() throws Exception {
        LeakCheck.Snapshot s0 = LeakCheck.Snapshot.take();
        int[] pipe = Sockets.pipe(false);
        int listener = Sockets.listenLoopback(1, false);
        MemorySegment mem = NativeMemory.allocate(100);
        List<String> problems = LeakCheck.Snapshot.take().problemsSince(s0);
        String all = String.join("\n", problems);
        assertTrue(all.contains("fd " + pipe[0] + " -> pipe:"), all);
        assertTrue(all.contains("fd " + pipe[1] + " -> pipe:"), all);
        assertTrue(all.contains("fd " + listener + " -> socket:"), all);
        assertTrue(all.contains("live allocations") && all.contains("(+1)") && all.contains("(+100)"), all);

        NativeMemory.free(mem);
        Sockets.close(pipe[0]);
        Sockets.close(pipe[1]);
        Sockets.close(listener);
        assertEquals(List.of(), LeakCheck.Snapshot.take().problemsSince(s0));
    }

    @Test
    void seesAClosedDescriptorThatWasOpenBefore() throws Exception {
        int[] pipe = Sockets.pipe(false);
        try {
            LeakCheck.Snapshot s0 = LeakCheck.Snapshot.take();
            Sockets.close(pipe[1]);
            String all = String.join("\n", LeakCheck.Snapshot.take().problemsSince(s0));
            assertTrue(all.contains("was closed: fd " + pipe[1]), all);
        } finally {
            Sockets.close(pipe[0]);
        }
    }

    @Test
    void ignoresRegularFiles() throws Exception {
        LeakCheck.Snapshot s0 = LeakCheck.Snapshot.take();
        try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("/proc/self/status"))) {
            assertTrue(in.read() >= 0);
            assertEquals(List.of(), LeakCheck.Snapshot.take().problemsSince(s0));
        }
    }
}
