package io.github.bootkernel.junit;

import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.engine.report.KernelReport.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which kernel reports fail a test whose guest printed them ({@link BootKernel#failOnReports()},
 * {@code bootkernel.failOnReports}), and how many of a guest's reports were already judged, so a
 * guest shared by several tests fails only the test during which a report appeared.
 */
final class ReportPolicy {

    /**
     * The kinds that fail a test unless configured otherwise: a panic, an oops (any {@code die()}
     * of the kernel: also a general protection fault and arm's {@code Unable to handle kernel}), a
     * {@code BUG:}, and the memory-safety sanitizers (KASAN, KMSAN, KFENCE).
     */
    static final Set<Kind> DEFAULT = Collections.unmodifiableSet(EnumSet.of(Kind.PANIC, Kind.OOPS, Kind.BUG,
            Kind.GENERAL_PROTECTION_FAULT, Kind.UNABLE_TO_HANDLE, Kind.KASAN, Kind.KMSAN, Kind.KFENCE));
    /** The word for no kind at all. */
    static final String NONE = "none";

    private final Set<Kind> failOn;
    /** The reports judged so far, as they were then. */
    private final List<KernelReport> judged = new ArrayList<>();

    ReportPolicy(Set<Kind> failOn) {
        this.failOn = failOn.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(failOn);
    }

    /** A policy that fails on nothing: guests made outside {@link Boot}. */
    static ReportPolicy none() {
        return new ReportPolicy(Set.of());
    }

    /**
     * Parses a list of kinds: ids separated by commas ({@code "panic,oops,kasan"}), or
     * {@value #NONE}.
     *
     * @throws IllegalArgumentException naming the known ids for an unknown kind
     */
    static Set<Kind> parse(String text) {
        if (text.strip().equalsIgnoreCase(NONE)) {
            return EnumSet.noneOf(Kind.class);
        }
        List<Kind> kinds = Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(Kind::of).toList();
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("names no kind: '" + text + "'; give kind ids separated by commas,"
                    + " or '" + NONE + "'");
        }
        return EnumSet.copyOf(kinds);
    }

    /** The kinds as the configuration names them: {@code "panic, oops, bug"}, or {@value #NONE}. */
    static String describe(Set<Kind> kinds) {
        return kinds.isEmpty() ? NONE : kinds.stream().map(Kind::id).collect(Collectors.joining(", "));
    }

    Set<Kind> failOn() {
        return Collections.unmodifiableSet(failOn);
    }

    /**
     * Returns the reports of {@code all} (a guest's reports so far) not judged by an earlier call,
     * and marks them judged. A report judged before is recognised by
     * {@link KernelReport#isSameReport}, also when it comes back from the other source (the
     * console showed it first, the kernel log's version replaced it) or with more lines (it was
     * still being read); the list need not only grow at its end (the kernel log's reports are
     * ordered by uptime and may arrive after later console reports).
     */
    synchronized List<KernelReport> takeNew(List<KernelReport> all) {
        List<KernelReport> fresh = KernelReport.notAmong(all, judged);
        judged.addAll(fresh);
        return List.copyOf(fresh);
    }

    boolean fails(KernelReport report) {
        return failOn.contains(report.kind());
    }
}
