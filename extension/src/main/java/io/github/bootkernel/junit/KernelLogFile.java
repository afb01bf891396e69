package io.github.bootkernel.junit;

import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.KernelLogGap;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The text of {@code <test id>.kmsg.log}: each guest's kernel log as {@code dmesg -r} prints it
 * ({@code <4>[    1.234567] message}), a multi-line record as several lines, and where records
 * are missing a line {@code --- N records lost (sequence A to B): the kernel's ring overwrote
 * them ---}.
 */
final class KernelLogFile {

    private KernelLogFile() {
    }

    static String render(ExtensionContext context, List<Guest> guests) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(context.getUniqueId()).append('\n');
        for (Guest guest : guests) {
            out.append("\n=== ").append(guest).append('\n').append(section(guest.kernelLog()));
        }
        return out.toString();
    }

    /** One log: a heading line {@code === kernel log: N records, ...}, then its lines and gaps. */
    static String section(KernelLog log) {
        StringBuilder out = new StringBuilder("=== kernel log: ").append(summary(log)).append('\n');
        append(out, log);
        return out.toString();
    }

    private static String summary(KernelLog log) {
        List<KernelRecord> records = log.records();
        if (records.isEmpty()) {
            return log.unavailableReason().map(r -> "unavailable: " + r).orElse("no record arrived");
        }
        StringBuilder out = new StringBuilder().append(records.size()).append(records.size() == 1 ? " record" : " records");
        if (log.droppedRecords() > 0) {
            out.append(", the first ").append(log.droppedRecords()).append(" dropped to keep the log bounded");
        }
        if (log.lostRecords() > 0) {
            out.append(", ").append(log.lostRecords()).append(" lost");
        }
        if (log.malformedRecords() > 0) {
            out.append(", ").append(log.malformedRecords()).append(" malformed");
        }
        return out.toString();
    }

    /** The records with each gap in its place: before the first record whose sequence number follows it. */
    private static void append(StringBuilder out, KernelLog log) {
        Iterator<KernelLogGap> gaps = log.gaps().iterator();
        KernelLogGap gap = gaps.hasNext() ? gaps.next() : null;
        for (KernelRecord record : log.records()) {
            while (gap != null && gap.next() <= record.sequence()) {
                out.append("--- ").append(gap).append(": the kernel's ring overwrote them ---\n");
                gap = gaps.hasNext() ? gaps.next() : null;
            }
            record.dmesgLines().forEach(line -> out.append(line).append('\n'));
        }
    }
}
