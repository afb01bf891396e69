package io.github.bootkernel.engine.report;

import io.github.bootkernel.engine.report.KernelReport.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Finds the kernel's reports in console lines as they arrive. A machine feeds one with every line
 * of its console ({@code Machine.kernelReports()}); {@link #scan(List)} reads a finished console.
 *
 * <h2>Where a report starts</h2>
 * At a line whose kernel message starts with a report's header: the message is what follows the
 * printk prefix (log level, timestamp, caller id; a timestamp after a program's unterminated
 * output, such as a shell prompt, also starts a message), so a header inside a line is not one
 * ({@code "DEBUG: x"}, {@code "echo BUG: x"}). The headers of each {@link Kind} are listed there.
 * A {@code ------------[ cut here ]------------} or {@code =====} line printed just before the
 * header belongs to the report.
 *
 * <h2>Where it ends</h2>
 * Whichever comes first:
 * <ul>
 *   <li>its end marker, which is part of it: {@code ---[ end trace ...]---} or
 *       {@code ---[ end Kernel panic ...]---}; the closing {@code =====} rule of KASAN, KMSAN,
 *       KFENCE, KCSAN and UBSAN; the {@code Killed process} line of an OOM kill; the end of the
 *       task's call trace ({@code </TASK>}, Linux 5.16 and later) for a hung task, an RCU stall, a
 *       soft or hard lockup, a lockdep splat and a {@code BUG:} that did not oops;</li>
 *   <li>the next report's header (a {@code die()} line such as {@code Oops:} or
 *       {@code invalid opcode:} right after a {@code BUG:} is part of that report);</li>
 *   <li>a line without a printk timestamp after a header that had one: a program's output, such
 *       as the shell's next prompt;</li>
 *   <li>a kernel line stamped more than {@value #GAP_SECONDS} s after the report's previous line
 *       (the kernel prints a report at once);</li>
 *   <li>{@value #MAX_LINES} lines; the end of the console ({@link #end()}).</li>
 * </ul>
 * With {@code CONFIG_PRINTK_CALLER}, lines of other callers printed in the middle of a report are
 * left out of it.
 *
 * <h2>Bounds</h2>
 * A report keeps at most {@value #MAX_LINES} lines; from the {@value #FULL_REPORTS}th report on,
 * only its first {@value #SHORT_LINES}; lines are cut at {@value #MAX_LINE_LENGTH} chars. At most
 * {@value #MAX_REPORTS} reports are kept; later ones are only counted ({@link #droppedReports()}).
 * Titles are made from the whole report before it is cut.
 *
 * <p>Thread-safe: one thread feeds it, any thread may read it. Each line costs a few
 * {@code startsWith} checks and, for a report's lines, a few regular expressions.
 */
public final class KernelReportScanner {

    /** Most lines one report keeps. */
    public static final int MAX_LINES = 200;
    /** Lines kept of each report after the first {@value #FULL_REPORTS}. */
    public static final int SHORT_LINES = 10;
    /** How many reports keep up to {@value #MAX_LINES} lines. */
    public static final int FULL_REPORTS = 32;
    /** Most reports kept. */
    public static final int MAX_REPORTS = 1000;
    /** Longest line kept, in chars. */
    public static final int MAX_LINE_LENGTH = 1024;
    /** A kernel line stamped this many seconds after a report's previous line is not part of it. */
    public static final int GAP_SECONDS = 10;

    private static final String CUT_HERE = "------------[ cut here ]------------";

    private final Consumer<KernelReport> completed;
    private final List<KernelReport> reports = new ArrayList<>();
    private Open open;
    private long nextLine;
    private String previous;
    private ConsoleLine previousParsed;
    private long dropped;
    private boolean ended;

    /** A scanner that only collects reports. */
    public KernelReportScanner() {
        this(report -> { });
    }

    /**
     * A scanner that also hands each report to {@code completed} as it completes.
     *
     * @param completed called on the feeding thread with this scanner's lock held, once per
     *     report, in order: it must be quick and must not wait (a machine hands the report to a
     *     thread of its own); one that throws loses nothing but its own call
     */
    public KernelReportScanner(Consumer<KernelReport> completed) {
        this.completed = Objects.requireNonNull(completed, "completed");
    }

    /**
     * Scans finished console lines.
     *
     * @param lines console lines, the first being console line 0
     * @return the reports, oldest first
     */
    public static List<KernelReport> scan(List<String> lines) {
        KernelReportScanner scanner = new KernelReportScanner();
        lines.forEach(scanner::accept);
        scanner.end();
        return scanner.reports();
    }

    /**
     * Takes the next console line, without its terminator. Lines after {@link #end()} are ignored.
     *
     * @param line the line
     */
    public synchronized void accept(String line) {
        if (ended) {
            return;
        }
        long index = nextLine++;
        ConsoleLine parsed = ConsoleLine.parse(line);
        String message = parsed.message();
        if (open != null) {
            if (open.timestamped() && !parsed.timestamped()
                    || parsed.timestamped() && parsed.micros() - open.lastMicros > GAP_SECONDS * 1_000_000L) {
                complete();
            } else {
                Kind header = Headers.of(message);
                boolean otherCaller = open.caller != null && parsed.caller() != null
                        && !open.caller.equals(parsed.caller());
                if (header == null && otherCaller) {
                    remember(line, parsed);
                    return;
                }
                if (header == null || open.continuedBy(header, message)) {
                    open.add(line, parsed);
                    if (open.endsWith(message) || open.lines.size() >= MAX_LINES) {
                        complete();
                    }
                    remember(null, null);
                    return;
                }
                complete();
            }
        }
        Kind kind = Headers.of(message);
        if (kind != null) {
            open = new Open(kind, index, parsed);
            if (previous != null && isPrelude(previousParsed.message()) && sameSource(previousParsed, parsed)) {
                open.lines.add(clip(previous));
            }
            open.add(line, parsed);
            if (open.endsWith(message)) {
                complete();
            }
            remember(null, null);
            return;
        }
        remember(line, parsed);
    }

    /**
     * Ends the input (the console ended): the report being read completes. Idempotent.
     */
    public synchronized void end() {
        if (!ended) {
            ended = true;
            if (open != null) {
                complete();
            }
        }
    }

    /**
     * Returns the reports found so far, oldest first, with the one still being read last (its
     * lines so far; it may take more).
     *
     * @return an immutable snapshot
     */
    public synchronized List<KernelReport> reports() {
        if (open == null) {
            return List.copyOf(reports);
        }
        List<KernelReport> all = new ArrayList<>(reports);
        all.add(open.report(reports.size()));
        return List.copyOf(all);
    }

    /**
     * Returns how many reports were not kept because {@value #MAX_REPORTS} were.
     *
     * @return the count
     */
    public synchronized long droppedReports() {
        return dropped;
    }

    private void complete() {
        Open done = open;
        open = null;
        if (reports.size() >= MAX_REPORTS) {
            dropped++;
            return;
        }
        KernelReport report = done.report(reports.size());
        reports.add(report);
        try {
            completed.accept(report);
        } catch (RuntimeException e) {
            System.getLogger(KernelReportScanner.class.getName()).log(System.Logger.Level.WARNING,
                    "kernel report listener " + completed + " threw", e);
        }
    }

    private void remember(String line, ConsoleLine parsed) {
        previous = line;
        previousParsed = parsed;
    }

    private static boolean isPrelude(String message) {
        return message.equals(CUT_HERE) || isRule(message);
    }

    /** A line of {@code =} as the sanitizers and lockdep print around their reports. */
    static boolean isRule(String message) {
        if (message.length() < 20) {
            return false;
        }
        for (int i = 0; i < message.length(); i++) {
            if (message.charAt(i) != '=') {
                return false;
            }
        }
        return true;
    }

    private static boolean sameSource(ConsoleLine a, ConsoleLine b) {
        return a.timestamped() == b.timestamped() && Objects.equals(a.caller(), b.caller());
    }

    private static String clip(String line) {
        return line.length() <= MAX_LINE_LENGTH ? line : line.substring(0, MAX_LINE_LENGTH);
    }

    /** The report being read. */
    private static final class Open {
        final Kind kind;
        final long index;
        final long micros;
        final String caller;
        final List<String> lines = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        long lastMicros;
        boolean died;

        Open(Kind kind, long index, ConsoleLine header) {
            this.kind = kind;
            this.index = index;
            this.micros = header.micros();
            this.caller = header.caller();
            this.lastMicros = header.micros();
        }

        boolean timestamped() {
            return micros >= 0;
        }

        void add(String line, ConsoleLine parsed) {
            lines.add(clip(line));
            messages.add(parsed.message());
            if (parsed.timestamped()) {
                lastMicros = parsed.micros();
            }
            if (messages.size() > 1 && Headers.isDie(parsed.message())) {
                died = true;
            }
        }

        /** Whether a header line belongs to this report: the oops after a BUG, the kill line of an OOM report. */
        boolean continuedBy(Kind header, String message) {
            if ((kind == Kind.BUG || kind == Kind.UNABLE_TO_HANDLE) && !died && Headers.isDie(message)) {
                return true;
            }
            return kind == Kind.OOM_KILL && header == Kind.OOM_KILL
                    && (message.startsWith("Out of memory") || message.startsWith("Memory cgroup out of memory"));
        }

        boolean endsWith(String message) {
            if (message.startsWith("---[ end ")) {
                return true;
            }
            return switch (kind) {
                case KASAN, KMSAN, KFENCE, KCSAN, UBSAN -> isRule(message);
                case OOM_KILL -> message.contains("Killed process ");
                case HUNG_TASK, RCU_STALL, SOFT_LOCKUP, HARD_LOCKUP, LOCKDEP -> isTaskEnd(message);
                case BUG -> !died && isTaskEnd(message);
                default -> false;
            };
        }

        private static boolean isTaskEnd(String message) {
            return message.strip().equals("</TASK>");
        }

        KernelReport report(int number) {
            int keep = number < FULL_REPORTS ? lines.size() : Math.min(lines.size(), SHORT_LINES);
            Optional<Duration> uptime = micros >= 0 ? Optional.of(Duration.ofNanos(micros * 1000)) : Optional.empty();
            return new KernelReport(kind, Titles.of(kind, messages), lines.subList(0, keep), index, uptime);
        }
    }
}
