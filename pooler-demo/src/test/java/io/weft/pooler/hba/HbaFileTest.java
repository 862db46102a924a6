package io.weft.pooler.hba;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.config.AuthMethod;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Matching of hba lines: first match wins, CIDR blocks in IPv4 and IPv6, lists, ssl or not. */
class HbaFileTest {
    @TempDir
    Path dir;

    private HbaFile hba(String text) throws Exception {
        Path f = dir.resolve("hba.conf");
        Files.writeString(f, text);
        return HbaFile.read(f);
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void firstMatchWins() throws Exception {
        HbaFile h = hba("""
                host    sales,hr   alice,bob   10.1.0.0/16     md5
                hostssl all        all         10.0.0.0/8      scram-sha-256
                host    all        all         10.0.0.0/8      reject
                host    sameuser   all         all             password
                host    all        all         fe80::/10       trust
                host    all        all         192.168.1.7     trust
                """);
        assertEquals(1, h.match(ip("10.1.2.3"), false, "hr", "bob").orElseThrow().line());
        assertEquals(AuthMethod.MD5, h.match(ip("10.1.2.3"), true, "sales", "alice").orElseThrow().method());
        assertEquals(2, h.match(ip("10.9.2.3"), true, "sales", "alice").orElseThrow().line());
        assertTrue(h.match(ip("10.9.2.3"), false, "sales", "alice").orElseThrow().rejects());
        assertEquals(3, h.match(ip("10.1.2.3"), false, "sales", "carol").orElseThrow().line());
        assertEquals(4, h.match(ip("172.16.0.1"), false, "carol", "carol").orElseThrow().line());
        assertEquals(5, h.match(ip("fe80::1"), false, "x", "y").orElseThrow().line());
        assertEquals(6, h.match(ip("192.168.1.7"), false, "x", "y").orElseThrow().line());
        assertTrue(h.match(ip("192.168.1.8"), false, "x", "y").isEmpty());
        assertTrue(h.match(ip("::1"), false, "x", "y").isEmpty());
    }

    @Test
    void cidrBlocks() {
        AddressRange v4 = AddressRange.parse("192.168.0.0/23");
        assertTrue(v4.contains(addr(192, 168, 1, 255)));
        assertFalse(v4.contains(addr(192, 168, 2, 0)));
        assertTrue(AddressRange.parse("0.0.0.0/0").contains(addr(8, 8, 8, 8)));
        assertTrue(AddressRange.parse("10.0.0.1/7").contains(addr(11, 255, 0, 0))); // host bits in the network are ignored
        AddressRange v6 = AddressRange.parse("2001:db8::/33");
        assertTrue(v6.contains(addr6("2001:db8:7fff::1")));
        assertFalse(v6.contains(addr6("2001:db8:8000::1")));
        assertFalse(v6.contains(addr(127, 0, 0, 1))); // IPv4 clients never match IPv6 blocks
        assertFalse(AddressRange.parse("127.0.0.1").contains(addr6("::1")));
        assertTrue(AddressRange.parse("::1").contains(addr6("::1")));
        assertTrue(AddressRange.ALL.contains(addr6("::1")));
    }

    private static InetAddress addr(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress addr6(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
