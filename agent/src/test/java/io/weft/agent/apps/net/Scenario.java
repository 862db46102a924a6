package io.weft.agent.apps.net;

/**
 * One behaviour of java.net or NIO, run on a virtual thread: returns what happened, as text
 * that is the same on every correct implementation (with the agent or without).
 */
@FunctionalInterface
interface Scenario {
    String run() throws Exception;
}
