package io.github.bootkernel.engine.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A report the kernel printed about a bug or a hang in itself: a panic, an oops, a {@code BUG:}, a
 * {@code WARNING:}, a sanitizer's finding, a hung task, a stall, a lockup, a lockdep splat or an
 * out-of-memory kill. Found by {@link KernelReportScanner} in the lines of the console or of the
 * kernel's log ({@link Source}).
 *
 * <pre>{@code
 * KernelReport[kind=PANIC, title="kernel panic: sysrq triggered crash", consoleLine=212, uptime=12.345678 s,
 *         source=CONSOLE]
 * }</pre>
 *
 * @param kind what the kernel reported
 * @param title one line naming the bug, the same across runs of the same bug: addresses,
 *     offsets, timestamps, PIDs and CPU numbers removed, usually {@code "<what> in <function>"}
 *     (for example {@code "WARNING in foo_bar"}, {@code "KASAN: slab-use-after-free Read in baz"});
 *     see {@link KernelReportScanner} for how each kind gets its title
 * @param lines the report's console lines as printed (printk prefixes included), from the line
 *     that opens it to the line that ends it; long reports are cut (see {@link KernelReportScanner})
 * @param consoleLine where the report starts: for {@link Source#CONSOLE}, the absolute index, from
 *     0, of its header line in its console, as {@code Console.lineCount()} counts lines; for
 *     {@link Source#KERNEL_LOG}, the sequence number of the record holding its header line
 * @param uptime the guest's uptime printed in the header's printk timestamp; empty when the
 *     kernel prints none ({@code CONFIG_PRINTK_TIME} off, or {@code printk.time=0}); a report
 *     from the kernel log always has one
 * @param source where it was found
 */
public record KernelReport(Kind kind, String title, List<String> lines, long consoleLine, Optional<Duration> uptime,
                           Source source) {

    /**
     * Checks and copies the components.
     *
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if {@code lines} is empty or {@code consoleLine} negative
     */
    public KernelReport {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(title, "title");
        lines = List.copyOf(lines);
        Objects.requireNonNull(uptime, "uptime");
        Objects.requireNonNull(source, "source");
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a kernel report has at least its header line");
        }
        if (consoleLine < 0) {
            throw new IllegalArgumentException("consoleLine must be at least 0, got " + consoleLine);
        }
    }

    /**
     * A report found on the console, as {@link KernelReportScanner} makes it.
     *
     * @param kind what the kernel reported
     * @param title the title
     * @param lines the report's console lines
     * @param consoleLine the index of its header line in its console
     * @param uptime the header's timestamp, if any
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if {@code lines} is empty or {@code consoleLine} negative
     */
    public KernelReport(Kind kind, String title, List<String> lines, long consoleLine, Optional<Duration> uptime) {
        this(kind, title, lines, consoleLine, uptime, Source.CONSOLE);
    }

    /**
     * Returns where the report starts, in words.
     *
     * @return {@code "console line N"} (N from 1) or {@code "kernel log record N"} (the sequence number)
     */
    public String location() {
        return source == Source.CONSOLE ? "console line " + (consoleLine + 1) : "kernel log record " + consoleLine;
    }

    /**
     * Returns whether {@code other} is this report, perhaps as the other source saw it. Within one
     * source, a report is itself only: the same kind starting at the same place. Across sources (a
     * report the kernel printed both on its console and in its log), the same kind and, when both
     * have an uptime, the same uptime (the console prints the record's own timestamp, to the
     * microsecond); when one has none, the same title.
     *
     * @param other another report
     * @return whether they are the same report of the kernel's
     */
    public boolean isSameReport(KernelReport other) {
        if (kind != other.kind) {
            return false;
        }
        if (source == other.source) {
            return consoleLine == other.consoleLine;
        }
        if (uptime.isPresent() && other.uptime.isPresent()) {
            return uptime.equals(other.uptime);
        }
        return title.equals(other.title);
    }

    /**
     * Returns those of {@code reports} that are none of {@code known}: each known report stands for
     * at most one of them, the first it {@link #isSameReport is the same as}, in order.
     *
     * @param reports the reports to sort out, in order
     * @param known the reports already had
     * @return the rest of {@code reports}, in their order; a new, modifiable list
     */
    public static List<KernelReport> notAmong(List<KernelReport> reports, List<KernelReport> known) {
        boolean[] used = new boolean[known.size()];
        List<KernelReport> rest = new ArrayList<>();
        for (KernelReport report : reports) {
            int same = -1;
            for (int i = 0; i < known.size() && same < 0; i++) {
                if (!used[i] && known.get(i).isSameReport(report)) {
                    same = i;
                }
            }
            if (same >= 0) {
                used[same] = true;
            } else {
                rest.add(report);
            }
        }
        return rest;
    }

    /**
     * Returns the report in one line, as the command-line tool prints it after
     * {@code bootkernel: kernel report: }.
     *
     * @return {@code "<kind id>: <title>"}, for example {@code "warning: WARNING in foo_bar"}
     */
    public String summary() {
        return kind.id() + ": " + title;
    }

    /**
     * Returns the report as a failure message shows it: the summary, where it started, and its
     * lines indented by two spaces.
     *
     * @return several lines, without a final newline
     */
    public String describe() {
        StringBuilder out = new StringBuilder(summary()).append(" (").append(location());
        uptime.ifPresent(u -> out.append(String.format(Locale.ROOT, ", uptime %d.%06d s", u.toSeconds(),
                u.toNanosPart() / 1000)));
        out.append(')');
        for (String line : lines) {
            out.append("\n  ").append(line);
        }
        return out.toString();
    }

    /** Where a report was found. */
    public enum Source {
        /** The guest's serial console: what the kernel printed at its console log level. */
        CONSOLE,
        /**
         * The kernel's log as the guest agent streams it from {@code /dev/kmsg}: every record, at
         * every level, each record's lines as the console would print them.
         */
        KERNEL_LOG
    }

    /**
     * What the kernel reported. Each kind is recognised by its header at the start of a kernel
     * message (after the printk prefix, see {@link KernelReportScanner}); {@link #id()} is its
     * name on the command line ({@code --fail-on}) and in configuration.
     */
    public enum Kind {
        /** {@code Kernel panic - not syncing: ...}: the kernel stopped. */
        PANIC("panic", "kernel panic"),
        /**
         * A die() of the kernel without a more specific kind: {@code Oops: 0002 [#1]},
         * {@code invalid opcode: 0000 [#1]}, {@code divide error: 0000 [#1]}, {@code int3:},
         * {@code stack segment:}, {@code PANIC: double fault}.
         */
        OOPS("oops", "oops"),
        /**
         * {@code BUG: ...} (NULL pointer dereference, page fault, sleeping function called from
         * invalid context, scheduling while atomic, ...) and {@code kernel BUG at file:line!},
         * with the oops that may follow it.
         */
        BUG("bug", "BUG"),
        /** {@code WARNING: CPU: 0 PID: 1 at file:line function+0x1/0x2} and other {@code WARNING:} lines. */
        WARNING("warning", "WARNING"),
        /** {@code general protection fault: 0000 [#1]} and its later wordings, in the kernel. */
        GENERAL_PROTECTION_FAULT("gpf", "general protection fault"),
        /** {@code Unable to handle kernel paging request / NULL pointer dereference ...} (arm, arm64, riscv). */
        UNABLE_TO_HANDLE("unable-to-handle", "Unable to handle kernel"),
        /** {@code BUG: KASAN: ...}: the kernel address sanitizer. */
        KASAN("kasan", "KASAN"),
        /** {@code BUG: KMSAN: ...}: the kernel memory sanitizer (uninitialised values). */
        KMSAN("kmsan", "KMSAN"),
        /** {@code BUG: KFENCE: ...}: the sampling memory-safety checker. */
        KFENCE("kfence", "KFENCE"),
        /** {@code BUG: KCSAN: ...}: the kernel concurrency sanitizer (data races). */
        KCSAN("kcsan", "KCSAN"),
        /** {@code UBSAN: ...}: the undefined behaviour sanitizer. */
        UBSAN("ubsan", "UBSAN"),
        /** {@code INFO: task X:PID blocked for more than N seconds.}: the hung task detector. */
        HUNG_TASK("hung-task", "hung task"),
        /** {@code rcu: INFO: rcu_sched self-detected stall on CPU} and its kin: an RCU CPU stall. */
        RCU_STALL("rcu-stall", "RCU stall"),
        /** {@code watchdog: BUG: soft lockup - CPU#0 stuck for 22s!}. */
        SOFT_LOCKUP("soft-lockup", "soft lockup"),
        /** {@code watchdog: Watchdog detected hard LOCKUP on cpu 1}. */
        HARD_LOCKUP("hard-lockup", "hard lockup"),
        /**
         * lockdep's reports: {@code WARNING: possible circular locking dependency detected},
         * recursive locking, inconsistent lock state, bad unlock balance, suspicious RCU usage, ...
         */
        LOCKDEP("lockdep", "lockdep"),
        /** {@code X invoked oom-killer: ...} to {@code Out of memory: Killed process N (comm)}. */
        OOM_KILL("oom-kill", "OOM kill");

        private final String id;
        private final String label;

        Kind(String id, String label) {
            this.id = id;
            this.label = label;
        }

        /**
         * Returns the kind's name on the command line and in configuration keys.
         *
         * @return for example {@code "panic"}, {@code "hung-task"}, {@code "kasan"}
         */
        public String id() {
            return id;
        }

        /**
         * Finds a kind by its {@link #id()} (case-insensitive) or its constant name.
         *
         * @param name for example {@code "panic"}, {@code "hung-task"} or {@code "HUNG_TASK"}
         * @return the kind
         * @throws IllegalArgumentException naming the known ids if there is no such kind
         */
        public static Kind of(String name) {
            String wanted = name.strip();
            for (Kind kind : values()) {
                if (kind.id.equalsIgnoreCase(wanted) || kind.name().equalsIgnoreCase(wanted)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("no kernel report kind '" + name + "'; the kinds are "
                    + Arrays.stream(values()).map(Kind::id).collect(Collectors.joining(", ")));
        }

        /** @return the kind as the kernel's reports name it, for example {@code "hung task"} */
        @Override
        public String toString() {
            return label;
        }
    }
}
