package io.weft.pooler.admin;

import io.weft.pooler.protocol.PgWriter;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One result of an admin command: named columns (text, bigint or double precision, all sent in
 * text format) and rows, written as RowDescription, DataRows and CommandComplete. The console is
 * not a hot path: payloads are built with a plain stream.
 */
final class Table {
    private static final int TEXT = 25;
    private static final int INT8 = 20;
    private static final int FLOAT8 = 701;

    private record Column(String name, int oid, int size) {}

    private final List<Column> columns = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();

    Table text(String... names) {
        for (String n : names) columns.add(new Column(n, TEXT, -1));
        return this;
    }

    Table bigint(String... names) {
        for (String n : names) columns.add(new Column(n, INT8, 8));
        return this;
    }

    Table float8(String... names) {
        for (String n : names) columns.add(new Column(n, FLOAT8, 8));
        return this;
    }

    /** A row: one value per column, in order; numbers are written in text form, null as SQL NULL. */
    Table row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(values.length + " values for " + columns.size() + " columns");
        }
        String[] row = new String[values.length];
        for (int i = 0; i < values.length; i++) row[i] = format(values[i]);
        rows.add(row);
        return this;
    }

    int rowCount() {
        return rows.size();
    }

    private static String format(Object v) {
        if (v == null) return null;
        if (v instanceof Double d) return String.format(Locale.ROOT, "%.2f", d);
        return v.toString();
    }

    void writeTo(PgWriter out) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bytes);
        d.writeShort(columns.size());
        for (Column c : columns) {
            d.write(c.name().getBytes(StandardCharsets.UTF_8));
            d.writeByte(0);
            d.writeInt(0);       // no table
            d.writeShort(0);     // no column number
            d.writeInt(c.oid());
            d.writeShort(c.size());
            d.writeInt(-1);      // no type modifier
            d.writeShort(0);     // text format
        }
        out.write((byte) 'T', bytes.toByteArray(), 0, bytes.size());
        for (String[] row : rows) {
            bytes.reset();
            d.writeShort(row.length);
            for (String value : row) {
                if (value == null) {
                    d.writeInt(-1);
                } else {
                    byte[] b = value.getBytes(StandardCharsets.UTF_8);
                    d.writeInt(b.length);
                    d.write(b);
                }
            }
            out.write((byte) 'D', bytes.toByteArray(), 0, bytes.size());
        }
        out.commandComplete("SHOW");
    }
}
