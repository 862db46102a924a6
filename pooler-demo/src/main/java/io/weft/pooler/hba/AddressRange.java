package io.weft.pooler.hba;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The address column of an hba line: {@code all}, an IPv4 or IPv6 CIDR block, or one address.
 * An IPv4 range does not match IPv6 clients and the other way round, as in PostgreSQL.
 */
public final class AddressRange {
    private final byte[] network; // null: all
    private final int prefix;
    private final String text;

    private AddressRange(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    public static final AddressRange ALL = new AddressRange(null, 0, "all");

    /** Parses {@code all}, {@code 10.0.0.0/8}, {@code ::1/128}, {@code 127.0.0.1}; message says why not. */
    public static AddressRange parse(String s) {
        if (s.equals("all")) return ALL;
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literal(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("invalid IP address \"" + addr + "\" (host names, samehost and"
                    + " samenet are not supported: give an address, a CIDR block or all)");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("invalid CIDR mask in address \"" + s + "\" (0 to " + bits + ")");
            }
        }
        byte[] net = bytes.clone();
        for (int i = 0; i < net.length; i++) net[i] &= mask(prefix, i);
        return new AddressRange(net, prefix, s);
    }

    /** Whether {@code client} lies in this range. */
    public boolean contains(InetAddress client) {
        if (network == null) return true;
        byte[] a = client.getAddress();
        if (a.length != network.length) return false;
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & mask(prefix, i)) != (network[i] & 0xff)) return false;
        }
        return true;
    }

    /** The mask byte {@code i} of a /{@code prefix}. */
    private static int mask(int prefix, int i) {
        int bits = Math.max(0, Math.min(8, prefix - 8 * i));
        return (0xff << (8 - bits)) & 0xff;
    }

    /** The address of an IP literal, without a DNS look-up; null if {@code s} is none. */
    private static byte[] literal(String s) {
        if (s.isEmpty()) return null;
        boolean v4 = s.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
        boolean v6 = s.indexOf(':') >= 0 && s.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
        if (v4) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) return null;
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3) return null;
                int n = Integer.parseInt(parts[i]);
                if (n > 255) return null;
                b[i] = (byte) n;
            }
            return b;
        }
        if (!v6) return null;
        try {
            // With only hex digits, colons and dots, getByName parses a literal and never resolves.
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
