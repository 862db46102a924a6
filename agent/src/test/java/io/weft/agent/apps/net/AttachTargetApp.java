package io.weft.agent.apps.net;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * An application the agent is attached to while it runs: one echo on the JDK's virtual
 * threads first (so the JDK's pollers and the classes the agent rewrites are already loaded),
 * then {@code ready}; after a line on standard input, the given NetScenariosApp scenarios.
 */
public final class AttachTargetApp {
    private AttachTargetApp() {}

    public static void main(String[] args) throws Exception {
        String before = StreamScenarios.socketEcho();
        System.out.println("before attach: " + before);
        System.out.println("ready " + ProcessHandle.current().pid());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            in.readLine();
        }
        NetScenariosApp.main(args);
    }
}
