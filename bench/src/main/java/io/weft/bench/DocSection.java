package io.weft.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The generated part of one benchmark's section in docs/benchmarks.md, between two HTML
 * comments, so a rerun replaces its figures and leaves the hand-written text around them.
 *
 * @param name    the markers' name, e.g. {@code pooler-bench}
 * @param command the command that writes it, named in the begin marker
 * @param heading the section's heading, used when the document has no markers yet
 */
public record DocSection(String name, String command, String heading) {

    public String begin() {
        return "<!-- " + name + ":begin (written by " + command + "; edits between these markers are replaced) -->";
    }

    public String end() {
        return "<!-- " + name + ":end -->";
    }

    /**
     * {@code doc} with the text between the markers replaced by {@code generated} (which starts
     * with {@link #begin()} and ends with {@link #end()} and a newline); without markers, a new
     * section at the end holding them.
     */
    public String replaceIn(String doc, String generated) {
        // Only the marker's name is matched: an older wording of the rest still counts.
        int b = doc.indexOf("<!-- " + name + ":begin");
        int e = doc.indexOf(end());
        if (b >= 0 && e > b) {
            return doc.substring(0, b) + generated + doc.substring(e + end().length()).replaceFirst("^\\r?\\n", "");
        }
        StringBuilder sb = new StringBuilder(doc);
        if (!doc.endsWith("\n")) sb.append('\n');
        sb.append('\n').append(heading).append("\n\n").append(generated);
        return sb.toString();
    }

    /** Replaces the section in the file {@code md} (created if missing). */
    public void writeTo(Path md, String generated) throws IOException {
        String existing = Files.exists(md) ? Files.readString(md, StandardCharsets.UTF_8) : "# Benchmarks\n";
        Files.writeString(md, replaceIn(existing, generated), StandardCharsets.UTF_8);
    }
}
