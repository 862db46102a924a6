package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.CompletionPoller;
import io.weft.poller.testkit.LeakCheck;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** supports(): every opcode CompletionPoller names is there on this kernel (6.18); nonsense is not. */
@ExtendWith(LeakCheck.class)
class UringSupportsTest extends UringTestBase {

    @Test
    void everyListedOpcodeIsSupported() throws Exception {
        assertEquals(Backend.IO_URING, ring.backend());
        int checked = 0;
        for (Field f : CompletionPoller.class.getFields()) {
            if (f.getName().startsWith("OP_") && Modifier.isStatic(f.getModifiers())) {
                int op = f.getInt(null);
                assertTrue(ring.supports(op), f.getName() + " (" + op + ") not supported");
                checked++;
            }
        }
        assertEquals(20, checked, "opcodes listed in CompletionPoller");
    }

    @Test
    void unknownOpcodesAreNotSupported() {
        assertFalse(ring.supports(-1));
        assertFalse(ring.supports(200));
        assertFalse(ring.supports(255));
        assertFalse(ring.supports(256));
        assertFalse(ring.supports(Integer.MAX_VALUE));
    }
}
