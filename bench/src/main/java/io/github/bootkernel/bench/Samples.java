package io.github.bootkernel.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers a section's samples by subject and metric, in the order first seen, and turns them into
 * {@link Row}s.
 */
public final class Samples {

    private record Key(String subject, String metric, String unit, String note) {
    }

    private final String section;
    private final String where;
    private final Map<Key, List<Double>> values = new LinkedHashMap<>();

    /**
     * @param section the section's name
     * @param where   where it runs
     */
    public Samples(String section, String where) {
        this.section = section;
        this.where = where;
    }

    /**
     * Adds one sample.
     *
     * @param subject the subject
     * @param metric  the quantity
     * @param unit    its unit
     * @param note    a note for the row, or empty
     * @param value   the sample
     */
    public void add(String subject, String metric, String unit, String note, double value) {
        values.computeIfAbsent(new Key(subject, metric, unit, note), k -> new ArrayList<>()).add(value);
    }

    /** @return one row per subject and metric */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        values.forEach((k, v) -> rows.add(new Row(section, k.subject(), k.metric(), k.unit(), v, where, k.note())));
        return rows;
    }
}
