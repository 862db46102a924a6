package io.weft.pooler.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A file of {@code [section]} headers and {@code key = value} lines, as pgagroal and PgBouncer
 * use; {@code #} and {@code ;} start comments. Keeps each value's line number so that errors
 * can point at it.
 */
final class IniFile {
    /** One {@code key = value} with where it was. */
    record Entry(String key, String value, int line) {}

    /** One {@code [name]} section and its entries, in file order. */
    record Section(String name, int line, Map<String, Entry> entries) {}

    final Path path;
    final List<Section> sections;

    private IniFile(Path path, List<Section> sections) {
        this.path = path;
        this.sections = sections;
    }

    static IniFile read(Path path) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(path, 0, "cannot read: " + e.getMessage());
        }
        List<Section> sections = new ArrayList<>();
        Section current = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = stripComment(lines.get(i)).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new ConfigException(path, lineNo, "malformed section header: " + line);
                }
                current = new Section(line.substring(1, line.length() - 1).strip(), lineNo, new LinkedHashMap<>());
                sections.add(current);
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(path, lineNo, "expected 'key = value', got: " + line);
            }
            if (current == null) {
                throw new ConfigException(path, lineNo, "'" + line + "' is outside any [section]");
            }
            String key = line.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT);
            String value = unquote(line.substring(eq + 1).strip());
            if (current.entries().containsKey(key)) {
                throw new ConfigException(path, lineNo, key + " is set twice in [" + current.name() + "] (first on line "
                        + current.entries().get(key).line() + ")");
            }
            current.entries().put(key, new Entry(key, value, lineNo));
        }
        return new IniFile(path, sections);
    }

    private static String stripComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' || c == '"') quoted = !quoted;
            if (!quoted && (c == '#' || c == ';')) return line.substring(0, i);
        }
        return line;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
