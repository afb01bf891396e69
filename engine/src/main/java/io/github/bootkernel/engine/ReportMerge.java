package io.github.bootkernel.engine;

import io.github.bootkernel.engine.report.KernelReport;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins the reports of the console and of the kernel's log into one list: every kernel-log
 * report, and each console report that is not also one of them
 * ({@link KernelReport#isSameReport}; each kernel-log report stands for one console report at
 * most). The kernel log's version wins: it has every line, whatever the console's log level.
 */
final class ReportMerge {

    private ReportMerge() {
    }

    /**
     * Merges the two lists, each oldest first, by uptime: at each step the earlier of the two next
     * reports (the kernel log's on a tie); a console report without an uptime comes right after
     * the report that preceded it on the console.
     *
     * @param fromLog the kernel log's reports, oldest first
     * @param fromConsole the console's reports, oldest first
     * @return the merged list, immutable
     */
    static List<KernelReport> merge(List<KernelReport> fromLog, List<KernelReport> fromConsole) {
        List<KernelReport> console = KernelReport.notAmong(fromConsole, fromLog);
        List<KernelReport> merged = new ArrayList<>(fromLog.size() + console.size());
        int l = 0;
        int c = 0;
        while (l < fromLog.size() || c < console.size()) {
            boolean takeConsole;
            if (l == fromLog.size()) {
                takeConsole = true;
            } else if (c == console.size()) {
                takeConsole = false;
            } else {
                KernelReport a = fromLog.get(l);
                KernelReport b = console.get(c);
                takeConsole = b.uptime().isEmpty() || a.uptime().isPresent() && b.uptime().get().compareTo(a.uptime().get()) < 0;
            }
            merged.add(takeConsole ? console.get(c++) : fromLog.get(l++));
        }
        return List.copyOf(merged);
    }
}
