package io.weft.bench.agent;

import java.util.Map;

/**
 * One measured run of one server JVM.
 *
 * @param withAgent    whether the server JVM had the agent
 * @param round        0-based
 * @param load         what wrk reported
 * @param cpuSeconds   the server JVM's CPU time (user + system) during the measured run
 * @param switches     the server JVM's context switches during the measured run
 * @param machineBusy  share of all CPUs busy during the run (everything on the machine)
 * @param counters     the agent's counters when the server stopped (empty without the agent)
 */
record ServerRun(boolean withAgent, int round, Wrk.Result load, double cpuSeconds, long switches, double machineBusy,
                 Map<String, Long> counters) {

    /** Server CPU per request, in microseconds. */
    double cpuMicrosPerRequest() {
        return load.requests() == 0 ? Double.NaN : cpuSeconds * 1e6 / load.requests();
    }

    double switchesPerRequest() {
        return load.requests() == 0 ? Double.NaN : switches / (double) load.requests();
    }
}
