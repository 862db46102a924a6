package io.weft.net.conformance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Opens the descriptor the JDK keeps for the rest of the process on its first socket use
 * (the socket its dispatcher dup2()s over a descriptor being closed asynchronously), before
 * {@link io.weft.poller.testkit.LeakCheck} takes its snapshot: otherwise whichever test class
 * runs first is blamed for it.
 */
final class JdkNetworkingWarmedUp implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            client.setTcpNoDelay(true);
            accepted.getInputStream().available();
        }
    }
}
