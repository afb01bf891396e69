package io.github.bootkernel.engine;

import io.github.bootkernel.engine.kmsg.KernelRecord;
import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.engine.report.KernelReportScanner;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The kernel's reports read from its log: every record's {@linkplain KernelRecord#consoleLines()
 * console lines} go through a {@link KernelReportScanner} of their own, and each report it finds
 * becomes a {@link KernelReport.Source#KERNEL_LOG} report whose place is the sequence number of
 * the record holding its header line. Fed on the agent channel's reader thread.
 */
final class KernelLogReports {

    /**
     * How many records' first line indexes are remembered: a report's header is at most
     * {@value KernelReportScanner#MAX_LINES} lines before its end, and each record is at least a
     * line, so this many records always reach back to it.
     */
    static final int REMEMBERED_RECORDS = 2 * KernelReportScanner.MAX_LINES + 2;

    private final KernelReportScanner scanner;
    /** Ring of the last records fed: the index of each one's first line, and its sequence number. */
    private final long[] firstLines = new long[REMEMBERED_RECORDS];
    private final long[] sequences = new long[REMEMBERED_RECORDS];
    private long recordsFed;
    private long linesFed;

    /**
     * @param completed gets each report as it completes, with the scanner's lock held (see
     *     {@link KernelReportScanner#KernelReportScanner(Consumer)})
     */
    KernelLogReports(Consumer<KernelReport> completed) {
        Objects.requireNonNull(completed, "completed");
        this.scanner = new KernelReportScanner(r -> completed.accept(translate(r)));
    }

    /** Takes the next record of the log. */
    void accept(KernelRecord record) {
        List<String> lines = record.consoleLines();
        synchronized (this) {
            int slot = (int) (recordsFed++ % REMEMBERED_RECORDS);
            firstLines[slot] = linesFed;
            sequences[slot] = record.sequence();
            linesFed += lines.size();
        }
        lines.forEach(scanner::accept);
    }

    /** The log ended: the report being read completes. */
    void end() {
        scanner.end();
    }

    /** @return the reports so far, oldest first, the one still being read last */
    List<KernelReport> reports() {
        return scanner.reports().stream().map(this::translate).toList();
    }

    /** A report of the scanner, whose place is a line index, as a report of the log. */
    private KernelReport translate(KernelReport report) {
        return new KernelReport(report.kind(), report.title(), report.lines(), sequenceOf(report.consoleLine()),
                report.uptime(), KernelReport.Source.KERNEL_LOG);
    }

    /** The sequence number of the record that held line {@code line}; the oldest remembered if it is older. */
    private synchronized long sequenceOf(long line) {
        long oldest = Math.max(0, recordsFed - REMEMBERED_RECORDS);
        for (long r = recordsFed - 1; r >= oldest; r--) {
            int slot = (int) (r % REMEMBERED_RECORDS);
            if (firstLines[slot] <= line || r == oldest) {
                return sequences[slot];
            }
        }
        return 0;
    }
}
