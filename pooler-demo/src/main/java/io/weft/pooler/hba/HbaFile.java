package io.weft.pooler.hba;

import io.weft.pooler.config.AuthMethod;
import io.weft.pooler.config.ConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The pooler's pg_hba.conf: lines {@code TYPE DATABASE USER ADDRESS METHOD}, first match wins.
 * TYPE is host, hostssl or hostnossl (the pooler takes TCP only); DATABASE and USER are comma
 * lists or {@code all}; ADDRESS is {@code all}, a CIDR block or one address; METHOD is trust,
 * reject, password, md5 or scram-sha-256. Every bad line is a {@link ConfigException} with the
 * file and line.
 */
public record HbaFile(Path path, List<HbaRule> rules) {

    public static HbaFile read(Path path) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(path, 0, "cannot read: " + e.getMessage());
        }
        List<HbaRule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceAll("#.*", "").strip();
            if (line.isEmpty()) continue;
            rules.add(parse(path, i + 1, line));
        }
        if (rules.isEmpty()) {
            throw new ConfigException(path, 0, "no rules: every client would be refused; add a line such as"
                    + " 'host all all 127.0.0.1/32 scram-sha-256'");
        }
        return new HbaFile(path, List.copyOf(rules));
    }

    /** The first line that applies to this connection; empty means no line does (the client is refused). */
    public Optional<HbaRule> match(InetAddress client, boolean encrypted, String database, String user) {
        for (HbaRule r : rules) {
            if (r.matches(client, encrypted, database, user)) return Optional.of(r);
        }
        return Optional.empty();
    }

    private static HbaRule parse(Path path, int lineNo, String line) throws ConfigException {
        String[] f = line.split("\\s+");
        ConnectionType type = switch (f[0].toLowerCase(Locale.ROOT)) {
            case "host" -> ConnectionType.HOST;
            case "hostssl" -> ConnectionType.HOSTSSL;
            case "hostnossl" -> ConnectionType.HOSTNOSSL;
            case "local" -> throw new ConfigException(path, lineNo, "'local' lines do not apply: the pooler takes"
                    + " TCP connections only (use host, hostssl or hostnossl)");
            default -> throw new ConfigException(path, lineNo, "invalid connection type \"" + f[0]
                    + "\": expected host, hostssl or hostnossl");
        };
        if (f.length != 5) {
            throw new ConfigException(path, lineNo, "expected 'TYPE DATABASE USER ADDRESS METHOD' (5 fields; "
                    + "a separate netmask column and method options are not supported), got " + f.length
                    + " fields: " + line);
        }
        Set<String> databases = names(path, lineNo, "database", f[1]);
        Set<String> users = names(path, lineNo, "user", f[2]);
        AddressRange address;
        try {
            address = AddressRange.parse(f[3]);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path, lineNo, e.getMessage());
        }
        AuthMethod method = null;
        if (!f[4].equalsIgnoreCase("reject")) {
            try {
                method = AuthMethod.parse(f[4]);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(path, lineNo, "invalid authentication method \"" + f[4]
                        + "\": expected trust, reject, password, md5 or scram-sha-256");
            }
        }
        return new HbaRule(type, databases, users, address, method, lineNo);
    }

    /** A comma list of names; {@code all} alone stands for every name (an empty set). */
    private static Set<String> names(Path path, int lineNo, String what, String field) throws ConfigException {
        Set<String> names = new LinkedHashSet<>();
        for (String n : field.split(",", -1)) {
            if (n.isEmpty()) throw new ConfigException(path, lineNo, "empty " + what + " name in the list \"" + field + "\"");
            if (n.startsWith("@") || n.startsWith("+") || n.startsWith("/") || n.startsWith("\"")) {
                throw new ConfigException(path, lineNo, what + " \"" + n + "\": @file, +group, regular expressions"
                        + " and quoted names are not supported");
            }
            names.add(n);
        }
        if (names.contains("all")) {
            if (names.size() > 1) throw new ConfigException(path, lineNo, "\"all\" in a " + what + " list with other names");
            return Set.of();
        }
        return Set.copyOf(names);
    }
}
