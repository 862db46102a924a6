package io.weft.poller.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.faults.FaultOp.Fault;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code weft.faults} syntax, and the plan's rates, determinism and short lengths. */
class FaultSpecTest {

    @Test
    void parsesEveryOperationAndFault() {
        FaultSpec spec = FaultSpec.parse(
                "recv:EAGAIN:0.05, send:short:0.1,accept:EINTR:0.02,connect:ENOBUFS:0.5,poll:EINTR:1,recv:short:0.2,seed=42");
        assertEquals(42, spec.seed());
        assertEquals(List.of(new FaultSpec.Rule(FaultOp.RECV, Fault.EAGAIN, 0.05), new FaultSpec.Rule(FaultOp.RECV, Fault.SHORT, 0.2)),
                spec.rulesOf(FaultOp.RECV));
        assertEquals(Fault.SHORT, spec.rulesOf(FaultOp.SEND).get(0).fault());
        assertEquals(1.0, spec.rulesOf(FaultOp.POLL).get(0).rate());
        assertEquals("recv:EAGAIN:0.05,recv:short:0.2,send:short:0.1,accept:EINTR:0.02,connect:ENOBUFS:0.5,poll:EINTR:1.0,seed=42",
                spec.toString());
        assertEquals(1, FaultSpec.parse("recv:ECONNRESET:1").seed(), "default seed");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "recv:EFOO:0.1|bad part 'recv:EFOO:0.1': unknown fault 'EFOO'",
        "read:EAGAIN:0.1|bad part 'read:EAGAIN:0.1': unknown operation 'read'",
        "recv:EAGAIN|bad part 'recv:EAGAIN': expected op:fault:rate",
        "recv:EAGAIN:lots|bad part 'recv:EAGAIN:lots': the rate is not a number",
        "recv:EAGAIN:1.5|bad part 'recv:EAGAIN:1.5': the rate must be from 0 to 1",
        "recv:EAGAIN:NaN|bad part 'recv:EAGAIN:NaN': the rate must be from 0 to 1",
        "accept:short:0.1|bad part 'accept:short:0.1': accept cannot fail with short",
        "poll:EAGAIN:0.1|bad part 'poll:EAGAIN:0.1': poll cannot fail with EAGAIN",
        "recv:EAGAIN:0.6,recv:EINTR:0.6|bad part 'recv:EINTR:0.6': the rates of recv add up to more than 1",
        "recv:EAGAIN:0.1,recv:EAGAIN:0.2|bad part 'recv:EAGAIN:0.2': recv:EAGAIN is given twice",
        "seed=x|bad part 'seed=x': the seed is not a whole number",
    })
    void refusesABadPartNamingIt(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse(spec));
        assertTrue(e.getMessage().startsWith("weft.faults: " + message), e.getMessage());
    }

    @Test
    void injectsAtTheGivenRatesTheSameWayForTheSameSeed() {
        FaultSpec spec = FaultSpec.parse("recv:EAGAIN:0.1,recv:short:0.2,send:EINTR:0.05,seed=7");
        FaultPlan a = new FaultPlan(spec);
        FaultPlan b = new FaultPlan(spec);
        int calls = 100_000;
        for (int i = 0; i < calls; i++) {
            assertEquals(a.draw(FaultOp.RECV), b.draw(FaultOp.RECV), "call " + i);
            a.draw(FaultOp.SEND);
        }
        assertEquals(0.1, a.injected().get("recv:EAGAIN") / (double) calls, 0.01);
        assertEquals(0.2, a.injected().get("recv:short") / (double) calls, 0.01);
        assertEquals(0.05, a.injected().get("send:EINTR") / (double) calls, 0.01);
        assertEquals(calls, a.calls(FaultOp.RECV));
        assertEquals(null, a.draw(FaultOp.ACCEPT), "no rule: never");
        assertEquals(0, a.calls(FaultOp.ACCEPT));
        assertTrue(a.report().contains("recv:EAGAIN="), a.report());

        FaultPlan other = new FaultPlan(FaultSpec.parse("recv:EAGAIN:0.1,recv:short:0.2,send:EINTR:0.05,seed=8"));
        int same = 0;
        FaultPlan c = new FaultPlan(spec);
        for (int i = 0; i < 1000; i++) {
            if (c.draw(FaultOp.RECV) == other.draw(FaultOp.RECV)) same++;
        }
        assertTrue(same < 1000, "another seed, another sequence");
    }

    @Test
    void aCallSiteThatCanGetOnlyOneFaultGetsItAtItsRateAndCountsOnlyIt() {
        FaultPlan plan = new FaultPlan(FaultSpec.parse("poll:EINTR:0.1,poll:ECANCELED:0.2"));
        int calls = 100_000;
        int eintr = 0;
        for (int i = 0; i < calls; i++) {
            Fault f = plan.draw(FaultOp.POLL, Fault.EINTR);
            if (f != null) {
                assertEquals(Fault.EINTR, f);
                eintr++;
            }
        }
        assertEquals(0.1, eintr / (double) calls, 0.01);
        assertEquals(java.util.Map.of("poll:EINTR", (long) eintr), plan.injected(), "ECANCELED drawn here is not injected");
    }

    @Test
    void shortLengthsSpanOneToOneLessThanAsked() {
        FaultPlan plan = new FaultPlan(FaultSpec.parse("send:short:1"));
        boolean sawOne = false;
        boolean sawNearlyAll = false;
        for (int i = 0; i < 10_000; i++) {
            long n = plan.shorter(16);
            assertTrue(n >= 1 && n <= 15, "short length " + n);
            sawOne |= n == 1;
            sawNearlyAll |= n == 15;
        }
        assertTrue(sawOne && sawNearlyAll);
        assertEquals(1, plan.shorter(1), "one byte cannot be shorter");
    }
}
