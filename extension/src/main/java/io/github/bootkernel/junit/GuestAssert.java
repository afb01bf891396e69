package io.github.bootkernel.junit;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.report.KernelReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on how a guest ended; get one with {@link GuestAssertions#assertThat(Guest)}.
 *
 * <p>{@link #exitedWith(int)}, {@link #panicked()}, {@link #wasReset()}, {@link #poweredOff()} and
 * {@link #endedWith(GuestExit.Kind)} check the end the guest has already reached and fail while
 * it still runs; wait for the end first with {@link #endsWithin(Duration)}:
 *
 * <pre>{@code
 * assertThat(guest).endsWithin(Duration.ofSeconds(10)).exitedWith(0);
 * }</pre>
 *
 * <p>Every failure message ends with the last {@value ConsoleTail#LINES} console lines.
 */
public final class GuestAssert extends AbstractAssert<GuestAssert, Guest> {

    private final Set<KernelReport.Kind> allowedKinds = EnumSet.noneOf(KernelReport.Kind.class);
    private final List<Pattern> allowedTitles = new ArrayList<>();

    /**
     * Starts assertions on a guest; prefer {@link GuestAssertions#assertThat(Guest)}.
     *
     * @param actual the guest, may be null (the assertions then fail)
     */
    public GuestAssert(Guest actual) {
        super(actual, GuestAssert.class);
    }

    /**
     * Waits for the guest to end, at most {@code timeout}; it returns as soon as the guest ended.
     *
     * <pre>{@code
     * // kernel "probe", cmdline "probe.exit=3": ends within milliseconds
     * assertThat(guest).endsWithin(Duration.ofSeconds(5));   // passes
     * // kernel "probe", cmdline "probe.hlt": halts forever
     * assertThat(guest).endsWithin(Duration.ofSeconds(1));   // fails after 1 s: still running
     * }</pre>
     *
     * @param timeout how long to wait at most
     * @return this assertion
     */
    public GuestAssert endsWithin(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        isNotNull();
        try {
            if (actual.machine().awaitExit(timeout).isEmpty()) {
                fail("Expecting " + actual + " to end within " + ConsoleAssert.human(timeout)
                        + ", but it still runs.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("Interrupted while waiting for " + actual + " to end.");
        }
        return this;
    }

    /**
     * Verifies that the guest ended by writing {@code status} to the exit-status port (0xf4), as
     * {@code /bin/exit-status N} in the busybox initramfs does.
     *
     * <pre>{@code
     * // kernel "probe", cmdline "probe.exit=3", after endsWithin(...)
     * assertThat(guest).exitedWith(3);   // passes
     * assertThat(guest).exitedWith(0);   // fails: "but it ended with exit status 3"
     * }</pre>
     *
     * @param status the expected status, 0 to 255
     * @return this assertion
     */
    public GuestAssert exitedWith(int status) {
        GuestExit end = end("to exit with status " + status);
        if (end.kind() != GuestExit.Kind.EXIT_STATUS || end.status() != status) {
            fail("Expecting " + actual + " to exit with status " + status + ", but it ended with " + end + ".");
        }
        return this;
    }

    /**
     * Verifies that the kernel panicked ({@code Kernel panic - not syncing}, then the reset that
     * {@code panic=-1} asks for).
     *
     * <pre>{@code
     * // a kernel booted without a root file system or initramfs, after endsWithin(...)
     * assertThat(guest).panicked();   // passes: "VFS: Unable to mount root fs"
     * // kernel "probe", cmdline "probe.exit=0"
     * assertThat(guest).panicked();   // fails: "but it ended with exit status 0"
     * }</pre>
     *
     * @return this assertion
     */
    public GuestAssert panicked() {
        return endedWith(GuestExit.Kind.PANIC);
    }

    /**
     * Verifies that the guest reset the machine without a panic, as Linux does on
     * {@code reboot -f} with {@code reboot=k} (the i8042 reset) or {@code reboot=t} (a triple fault
     * right after {@code reboot: Restarting system}).
     *
     * <pre>{@code
     * // kernel "probe", cmdline "probe.reset", after endsWithin(...)
     * assertThat(guest).wasReset();   // passes
     * // kernel "probe", cmdline "probe.triple"
     * assertThat(guest).wasReset();   // fails: "but it ended with TRIPLE_FAULT"
     * }</pre>
     *
     * @return this assertion
     */
    public GuestAssert wasReset() {
        return endedWith(GuestExit.Kind.RESET);
    }

    /**
     * Verifies that the guest powered off, as Linux does on {@code poweroff -f}: through ACPI S5
     * (kernels with ACPI), or by halting its vCPU for good after {@code reboot: System halted}
     * (kernels without). A program that only prints those words does not end the guest.
     *
     * <pre>{@code
     * // kernel "probe", cmdline "probe.hlt reboot: System halted": the probe prints its command
     * // line, then halts with interrupts off; after endsWithin(...)
     * assertThat(guest).poweredOff();   // passes
     * // kernel "probe", cmdline "probe.reset"
     * assertThat(guest).poweredOff();   // fails: "but it ended with RESET: i8042 reset"
     * }</pre>
     *
     * @return this assertion
     */
    public GuestAssert poweredOff() {
        return endedWith(GuestExit.Kind.POWEROFF);
    }

    /**
     * Verifies the kind of the guest's end.
     *
     * <pre>{@code
     * // kernel "probe", cmdline "probe.triple", after endsWithin(...)
     * assertThat(guest).endedWith(GuestExit.Kind.TRIPLE_FAULT);   // passes
     * assertThat(guest).endedWith(GuestExit.Kind.POWEROFF);       // fails
     * }</pre>
     *
     * @param kind the expected kind
     * @return this assertion
     */
    public GuestAssert endedWith(GuestExit.Kind kind) {
        Objects.requireNonNull(kind, "kind");
        GuestExit end = end("to end with " + kind);
        if (end.kind() != kind) {
            fail("Expecting " + actual + " to end with " + kind + ", but it ended with " + end + ".");
        }
        return this;
    }

    /**
     * Verifies that the kernel printed no report about a bug or a hang in itself (see
     * {@link Guest#kernelReports()}), apart from those allowed by
     * {@link #allowingKernelReports(KernelReport.Kind...)} and
     * {@link #allowingKernelReportsTitled(String)}. It checks the reports found so far and does
     * not wait: after a command, or after {@link #endsWithin(Duration)}, the console holds what the
     * kernel printed. The failure message shows each report, its lines included.
     *
     * <pre>{@code
     * // a guest whose kernel booted and ran its tests quietly
     * assertThat(guest).hasNoKernelReports();   // passes
     * // after guest.sh("echo c > /proc/sysrq-trigger") and endsWithin(...)
     * assertThat(guest).hasNoKernelReports();   // fails: "panic: kernel panic: sysrq triggered crash (console line ...)"
     * // a driver test that expects its WARN_ON_ONCE() and nothing worse
     * assertThat(guest).allowingKernelReportsTitled("WARNING in my_driver_.*").hasNoKernelReports();
     * }</pre>
     *
     * @return this assertion
     */
    public GuestAssert hasNoKernelReports() {
        isNotNull();
        List<KernelReport> reports = actual.kernelReports().stream().filter(r -> !allowed(r)).toList();
        if (!reports.isEmpty()) {
            fail("Expecting " + actual + " to print no kernel report" + allowances() + ", but it printed "
                    + reports.size() + ":\n" + reports.stream().map(KernelReport::describe)
                    .collect(Collectors.joining("\n")));
        }
        return this;
    }

    /**
     * Lets {@link #hasNoKernelReports()} pass over reports of these kinds.
     *
     * <pre>{@code
     * assertThat(guest).allowingKernelReports(KernelReport.Kind.WARNING, KernelReport.Kind.HUNG_TASK)
     *         .hasNoKernelReports();   // fails only on other kinds
     * }</pre>
     *
     * @param kinds the kinds to allow
     * @return this assertion
     */
    public GuestAssert allowingKernelReports(KernelReport.Kind... kinds) {
        allowedKinds.addAll(Arrays.asList(kinds));
        return this;
    }

    /**
     * Lets {@link #hasNoKernelReports()} pass over reports whose whole title matches
     * {@code titleRegex} ({@link java.util.regex.Matcher#matches()}), for example
     * {@code "WARNING in my_driver_.*"} or {@code "KCSAN: data-race in .*"}.
     *
     * @param titleRegex a regular expression for the whole title
     * @return this assertion
     * @throws java.util.regex.PatternSyntaxException if it is not a valid regular expression
     */
    public GuestAssert allowingKernelReportsTitled(String titleRegex) {
        allowedTitles.add(Pattern.compile(titleRegex));
        return this;
    }

    private boolean allowed(KernelReport report) {
        return allowedKinds.contains(report.kind())
                || allowedTitles.stream().anyMatch(p -> p.matcher(report.title()).matches());
    }

    private String allowances() {
        List<String> allowed = new ArrayList<>();
        allowedKinds.forEach(k -> allowed.add(k.id()));
        allowedTitles.forEach(p -> allowed.add("/" + p + "/"));
        return allowed.isEmpty() ? "" : " (allowed: " + String.join(", ", allowed) + ")";
    }

    private GuestExit end(String expectation) {
        isNotNull();
        Optional<GuestExit> end = actual.exit();
        if (end.isEmpty()) {
            fail("Expecting " + actual + " " + expectation + ", but it still runs (wait for its end with"
                    + " endsWithin(Duration) first).");
        }
        return end.orElseThrow();
    }

    private void fail(String message) {
        throw failure("%s", ConsoleTail.append(message, actual.console()));
    }
}
