package io.github.bootkernel.bench.report;

import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The results block of {@code docs/performance.md}, generated from one run: the command, the
 * machine, the targets with their verdicts, the chart, and a table per section (median,
 * min–max, n, where it ran, and the ratio to QEMU's row of the same kernel and metric).
 */
public final class MarkdownReport {

    private static final String PC = "QEMU -M pc";
    private static final String MICROVM = "QEMU -M microvm";

    private MarkdownReport() {
    }

    /**
     * @param rows      the run's rows
     * @param info      the run
     * @param chartFile the chart's file name relative to the document, or empty for none
     * @return the block's Markdown, without the markers
     */
    public static String results(List<Row> rows, RunInfo info, Optional<String> chartFile) {
        StringBuilder md = new StringBuilder();
        md.append("## Results of the last run\n\n");
        md.append("Command: `").append(info.command()).append("`  \n");
        md.append("Started ").append(info.date()).append(", took ").append(info.duration()).append(".\n\n");
        md.append("Machine:\n\n");
        for (String fact : info.machine()) {
            md.append("- ").append(fact).append('\n');
        }
        md.append('\n');
        if (!info.failures().isEmpty()) {
            md.append("Sections that failed or did not run in this run:\n\n");
            for (String f : info.failures()) {
                md.append("- ").append(f.replace("\n", " ")).append('\n');
            }
            md.append('\n');
        }
        md.append("### Targets\n\n");
        md.append("Ratios of medians measured in this run; the limit is the largest value that meets the target"
                + " (with ≥, the smallest).\n\n");
        md.append("| target | measured | limit | verdict | from |\n|---|---:|---:|---|---|\n");
        for (Target t : Targets.of(rows, info.sections())) {
            md.append("| ").append(t.name()).append(" | ")
                    .append(t.measured().isPresent() ? Numbers.format(t.measured().getAsDouble()) + " " + t.unit() : "–")
                    .append(" | ").append(t.atLeast() ? "≥ " : "").append(Numbers.format(t.limit())).append(' ').append(t.unit())
                    .append(" | **").append(t.verdict()).append("** | ").append(t.basis()).append(" |\n");
        }
        md.append('\n');
        chartFile.ifPresent(f -> md.append("![Time to init per monitor and kernel](").append(f).append(")\n\n"));
        for (Map.Entry<String, List<Row>> section : bySection(rows).entrySet()) {
            md.append("### ").append(capitalized(section.getKey())).append("\n\n");
            md.append("| subject | metric | median | min–max | n | ÷ " + PC + " | ÷ " + MICROVM + " | where | note |\n");
            md.append("|---|---|---:|---:|---:|---:|---:|---|---|\n");
            for (Row r : section.getValue()) {
                Stats s = Stats.of(r.samples());
                md.append("| ").append(r.subject()).append(" | ").append(r.metric()).append(" | ")
                        .append(Numbers.format(s.median())).append(' ').append(r.unit()).append(" | ")
                        .append(Numbers.format(s.min())).append("–").append(Numbers.format(s.max())).append(' ')
                        .append(r.unit()).append(" | ").append(s.n()).append(" | ")
                        .append(ratio(r, section.getValue(), PC)).append(" | ")
                        .append(ratio(r, section.getValue(), MICROVM)).append(" | ")
                        .append(r.where()).append(" | ").append(r.note()).append(" |\n");
            }
            md.append('\n');
        }
        return md.toString();
    }

    /**
     * The ratio of a row's median to that of the baseline's row in the same section with the same
     * metric and the same kernel and vCPUs (the subject's text after its first comma).
     *
     * @return the ratio with an {@code x}, or {@code –} when there is no such baseline row or the
     *     row is the baseline's own
     */
    static String ratio(Row row, List<Row> section, String baseline) {
        if (row.subject().startsWith(baseline)) {
            return "–";
        }
        String rest = rest(row.subject());
        for (Row b : section) {
            if (b.subject().startsWith(baseline) && b.metric().equals(row.metric()) && rest(b.subject()).equals(rest)
                    && !rest.isEmpty()) {
                double base = Stats.of(b.samples()).median();
                return base == 0 ? "–" : Numbers.format(Stats.of(row.samples()).median() / base) + "x";
            }
        }
        return "–";
    }

    private static String rest(String subject) {
        int comma = subject.indexOf(", ");
        return comma < 0 ? "" : subject.substring(comma + 2);
    }

    private static Map<String, List<Row>> bySection(List<Row> rows) {
        Map<String, List<Row>> out = new LinkedHashMap<>();
        for (Row r : rows) {
            out.computeIfAbsent(r.section(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
