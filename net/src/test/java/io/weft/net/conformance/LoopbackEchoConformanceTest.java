package io.weft.net.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** connect, accept and an echo over 127.0.0.1 and ::1, with the addresses each side sees. */
@ConformanceSuite
class LoopbackEchoConformanceTest {

    @ConformanceTest
    void echoOverIpv4(Row row) throws Exception {
        row.run(c -> echo(c, Conformance.IPV4, "127.0.0.1"));
    }

    @ConformanceTest
    void echoOverIpv6(Row row) throws Exception {
        row.run(c -> {
            // Inside the row, so the skip is recorded as the row's outcome.
            assumeTrue(hasIpv6Loopback(), "::1 is not configured on this machine");
            assumeTrue(!Ipv4StackConformanceTest.ipv4Stack(), "IPv6 is off under java.net.preferIPv4Stack");
            echo(c, Conformance.IPV6, "0:0:0:0:0:0:0:1");
        });
    }

    private static void echo(Conformance c, InetAddress loopback, String shown) throws Exception {
        ServerSocket server = c.listen(loopback, 50);
        c.expectState("listening", server, "bound open local=" + shown + ":<server>");
        Forked<Integer> echo = c.fork("echo", () -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[100];
                int total = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    total += n;
                }
                return total;
            }
        });
        Socket client = c.socket(loopback, server.getLocalPort());
        c.expectState("client", client, "connected bound open remote=" + shown + ":<server> local=" + shown + ":<ephemeral>");
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        for (String message : new String[] {"hello", "over", "loopback", "x".repeat(1000)}) {
            out.write(message.getBytes(StandardCharsets.US_ASCII));
            c.expect("echo of " + message.length() + " bytes", message,
                    () -> new String(in.readNBytes(message.length()), StandardCharsets.US_ASCII));
        }
        client.shutdownOutput();
        c.expect("echo thread's total", 5 + 4 + 8 + 1000, echo::join);
        c.expect("end of stream after the echo thread closed", -1, in::read);
    }

    private static boolean hasIpv6Loopback() throws Exception {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getByName("::1"));
        return lo != null && lo.isUp();
    }
}
