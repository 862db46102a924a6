package io.weft.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A generated part of docs/benchmarks.md, between two HTML comment markers, that a benchmark
 * rewrites after each run: {@code <!-- NAME:begin ... -->} ... {@code <!-- NAME:end -->}. The
 * text around the markers (each section's hand-written explanation) is left alone.
 *
 * @param begin   the begin marker as written (only its part up to {@code :begin} is searched for,
 *                so rewording the rest of it does not orphan an old section)
 * @param end     the end marker
 * @param heading the section heading written with the markers when the file has none yet
 */
public record DocsSection(String begin, String end, String heading) {

    /** {@code doc} with the text between the markers replaced by {@code generated} (which holds both markers). */
    public String replaceIn(String doc, String generated) {
        int at = begin.indexOf(":begin");
        String beginKey = at < 0 ? begin : begin.substring(0, at + ":begin".length());
        int b = doc.indexOf(beginKey);
        int e = doc.indexOf(end);
        if (b >= 0 && e > b) {
            return doc.substring(0, b) + generated + doc.substring(e + end.length()).replaceFirst("^\\r?\\n", "");
        }
        StringBuilder sb = new StringBuilder(doc);
        if (!doc.endsWith("\n")) {
            sb.append('\n');
        }
        sb.append('\n').append(heading).append("\n\n").append(generated);
        return sb.toString();
    }

    /** Rewrites the section in {@code markdown} (created with a "# Benchmarks" title if missing). */
    public void writeInto(Path markdown, String generated) throws IOException {
        String existing = Files.exists(markdown) ? Files.readString(markdown, StandardCharsets.UTF_8) : "# Benchmarks\n";
        Files.writeString(markdown, replaceIn(existing, generated), StandardCharsets.UTF_8);
    }
}
