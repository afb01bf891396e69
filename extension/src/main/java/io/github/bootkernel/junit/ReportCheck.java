package io.github.bootkernel.junit;

import io.github.bootkernel.engine.report.KernelReport;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

/**
 * After a test (or a class): every kernel report a visible guest printed since the last check is
 * published as the report entry {@code bootkernel.kernelReport} (allowed or not), and those of a
 * kind its {@link ReportPolicy} fails on fail the test, the reports in the message.
 */
final class ReportCheck {

    /** Reports shown in full in a failure message; the rest are named by their summary. */
    private static final int SHOWN = 3;

    private ReportCheck() {
    }

    /**
     * Publishes the new reports and returns the failure for those the policy fails on.
     *
     * @return the failure, or {@code null} when no new report fails the test
     */
    static AssertionFailedError check(ExtensionContext context, List<Guest> guests) {
        StringBuilder message = new StringBuilder();
        for (Guest guest : guests) {
            List<KernelReport> fresh = guest.reportPolicy().takeNew(guest.kernelReports());
            List<KernelReport> failing = fresh.stream().filter(guest.reportPolicy()::fails).toList();
            for (KernelReport report : fresh) {
                context.publishReportEntry("bootkernel.kernelReport", guest + ": " + report.summary()
                        + (guest.reportPolicy().fails(report) ? "" : " (allowed)"));
            }
            if (!failing.isEmpty()) {
                message.append(message.isEmpty() ? "" : "\n\n").append(describe(guest, failing));
            }
        }
        return message.isEmpty() ? null : new AssertionFailedError(message.toString());
    }

    private static String describe(Guest guest, List<KernelReport> failing) {
        StringBuilder out = new StringBuilder(guest.toString()).append(" printed ").append(failing.size())
                .append(failing.size() == 1 ? " kernel report" : " kernel reports")
                .append(" of a kind that fails its test (failOnReports: ")
                .append(ReportPolicy.describe(guest.reportPolicy().failOn())).append("):");
        if (failing.stream().anyMatch(guest::fromTemplateBoot)) {
            guest.template().ifPresent(t -> out.append("\n(printed while ").append(t.name()).append(" booted, before"
                    + " its snapshot: every clone of it carries ").append(failing.size() == 1 ? "it" : "them")
                    .append(")"));
        }
        for (int i = 0; i < failing.size(); i++) {
            out.append('\n').append(i < SHOWN ? failing.get(i).describe() : failing.get(i).summary());
        }
        return out.toString();
    }
}
