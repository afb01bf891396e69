package io.github.bootkernel.engine.report;

import io.github.bootkernel.engine.report.KernelReport.Kind;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A report's title: what the kernel reported and, where the report shows one, the function it
 * happened in, with everything that changes from run to run removed (addresses, offsets,
 * timestamps, PIDs, CPU numbers, the compiler's {@code .isra.0}-style suffixes). The function
 * comes from the header where it names one ({@code WARNING:}, KASAN, KFENCE, KCSAN, KMSAN), else
 * from the faulting instruction ({@code RIP:}, arm64's {@code pc :}), else from the first reliable
 * frame of the call trace that is not part of the reporting machinery ({@link #MACHINERY}).
 */
final class Titles {

    /** A call-trace frame: {@code " foo+0x1a/0x40"}, {@code " [<ffffffff81234567>] foo+0x1a/0x40"}; never {@code " ? foo+..."}. */
    private static final Pattern FRAME = Pattern.compile("\\s+(?:\\[<[0-9a-f]+>\\]\\s*)?([A-Za-z_][\\w.$]*)\\+0x[0-9a-f]+/0x[0-9a-f]+");
    /** The faulting function: x86_64's {@code RIP: 0010:foo+0x1/0x2} (with {@code [<addr>]} before 4.x), arm64's {@code pc : foo+0x1/0x2}. */
    private static final Pattern RIP = Pattern.compile(
            "(?:RIP: [0-9a-f]{4}:(?:\\[<[0-9a-f]+>\\]\\s+(?:\\[<[0-9a-f]+>\\]\\s+)?)?|pc : |PC is at )([A-Za-z_][\\w.$]*)\\+0x");
    private static final Pattern SUFFIX = Pattern.compile("(?:\\.(?:isra|constprop|part|cold|llvm|lto_priv|localalias)(?:\\.\\d+)?)+$");
    private static final Pattern OFFSET = Pattern.compile("\\+0x[0-9a-f]+(?:/0x[0-9a-f]+)?");
    private static final Pattern ADDRESS = Pattern.compile("\\[[0-9a-f]+\\]|\\b(?:0x)?[0-9a-f]{12,}\\b|\\b0x[0-9a-f]{9,}\\b");
    private static final Pattern CPU = Pattern.compile("(?i)\\b(CPU)#?\\s?\\d+");
    private static final Pattern CUT = Pattern.compile(",\\s|:\\s|:$| at | - | in process |\\s\\S+:\\S|!");
    private static final Pattern WARNING_FUNCTION = Pattern.compile(" at (?:\\S+:\\d+ )?([A-Za-z_][\\w.$]*)\\+0x");
    private static final Pattern WARNING_FILE = Pattern.compile(" at (\\S+?):\\d+");
    private static final Pattern KASAN = Pattern.compile("BUG: KASAN: ([\\w-]+(?: or [\\w-]+)?)(?: in ([A-Za-z_][\\w.$]*)\\+0x)?");
    private static final Pattern ACCESS = Pattern.compile("(Read|Write) (?:of size|at addr)");
    private static final Pattern SOURCE = Pattern.compile(" in (\\S+?)(?::\\d+)+\\s*$");
    private static final Pattern LOCK_AT = Pattern.compile("at: (?:\\[<[0-9a-f]+>\\]\\s*)?([A-Za-z_][\\w.$]*)\\+0x");
    private static final Pattern TASK = Pattern.compile("INFO: task (.+):\\d+ blocked");
    private static final Pattern KILLED = Pattern.compile("Killed process \\d+ \\(([^)]*)\\)");
    private static final Pattern INVOKED = Pattern.compile("(\\S.*?) invoked oom-killer: ");
    /**
     * Frames that belong to reporting, waiting or interrupt entry rather than to the bug: the
     * first frame of a trace that starts with none of these names the bug's function.
     */
    private static final List<String> MACHINERY = List.of(
            "dump_stack", "__dump_stack", "show_stack", "show_regs", "sched_show_task", "__warn", "warn_slowpath",
            "report_bug", "handle_bug", "exc_invalid_op", "asm_exc_invalid_op", "panic", "vpanic", "nmi_panic",
            "__might_sleep", "___might_sleep", "__might_resched", "__might_fault", "__schedule_bug", "ubsan_",
            "__ubsan_", "kasan_", "__kasan", "print_", "lockdep_", "lock_acquire", "lock_release", "__lock_acquire",
            "check_", "validate_chain", "debug_", "rcu_", "__rcu", "sysvec_", "asm_sysvec_", "__sysvec_",
            "irq_exit", "__irq_exit_rcu", "handle_softirqs", "__do_softirq", "hrtimer_", "__hrtimer_", "tick_",
            "update_process_times", "watchdog_", "__switch_to", "__schedule", "schedule", "io_schedule",
            "preempt_schedule", "mutex_lock", "__mutex_lock", "rwsem_down", "down_", "__down", "wait_for_",
            "__wait_for", "do_wait_for", "folio_wait", "__folio_lock", "wait_on_", "__wait_on", "bit_wait",
            "out_of_line_wait", "_raw_spin", "do_raw_spin", "queued_spin", "nmi_", "arch_trigger", "trigger_",
            "kthread", "ret_from_fork", "worker_thread", "process_one_work");

    private Titles() {
    }

    /**
     * Makes a report's title.
     *
     * @param kind the report's kind
     * @param messages the report's messages (printk prefixes removed), the header first
     * @return the title
     */
    static String of(Kind kind, List<String> messages) {
        String header = messages.get(0);
        return switch (kind) {
            case PANIC -> "kernel panic: " + clean(after(header, "Kernel panic - not syncing").replaceFirst("^:\\s*", ""));
            case OOPS -> in(dieName(header), rip(messages));
            case GENERAL_PROTECTION_FAULT -> in("general protection fault", rip(messages));
            case BUG -> bug(header, messages);
            case WARNING -> warning(header, messages);
            case UNABLE_TO_HANDLE -> in("Unable to handle kernel " + cut(after(header, "Unable to handle kernel ")),
                    rip(messages));
            case KASAN -> kasan(header, messages);
            case KMSAN, KFENCE, KCSAN -> clean(after(header, "BUG: "));
            case UBSAN -> ubsan(header, messages);
            case HUNG_TASK -> hungTask(header, messages);
            case RCU_STALL -> in("RCU stall", ripOrCulprit(messages));
            case SOFT_LOCKUP -> in("soft lockup", ripOrCulprit(messages));
            case HARD_LOCKUP -> in("hard lockup", ripOrCulprit(messages));
            case LOCKDEP -> lockdep(header, messages);
            case OOM_KILL -> oom(messages);
        };
    }

    private static String bug(String header, List<String> messages) {
        if (header.startsWith("kernel BUG at ")) {
            String function = ripOrCulprit(messages);
            return function != null ? "kernel BUG in " + function
                    : "kernel BUG at " + header.substring(14).replaceFirst(":\\d+!?$", "");
        }
        String what = cut(header.substring(5));
        if (what.startsWith("unable to handle kernel NULL pointer dereference")) {
            what = "kernel NULL pointer dereference";
        } else if (what.startsWith("unable to handle kernel paging request") || what.startsWith("unable to handle page fault")) {
            what = "unable to handle page fault";
        }
        return in("BUG: " + what, ripOrCulprit(messages));
    }

    private static String warning(String header, List<String> messages) {
        String rest = header.substring(9);
        if (rest.startsWith("CPU: ") || WARNING_FILE.matcher(rest).lookingAt() || rest.matches("\\S+:\\d+ at .*")) {
            Matcher function = WARNING_FUNCTION.matcher(rest);
            if (function.find()) {
                return "WARNING in " + function(function.group(1));
            }
            String rip = rip(messages);
            if (rip != null) {
                return "WARNING in " + rip;
            }
            Matcher file = WARNING_FILE.matcher(rest);
            return file.find() ? "WARNING at " + file.group(1) : "WARNING";
        }
        return in("WARNING: " + cut(rest), culprit(messages));
    }

    private static String kasan(String header, List<String> messages) {
        Matcher m = KASAN.matcher(header);
        if (!m.lookingAt()) {
            return clean(after(header, "BUG: "));
        }
        String access = null;
        for (String message : messages) {
            Matcher a = ACCESS.matcher(message);
            if (a.lookingAt()) {
                access = a.group(1);
                break;
            }
        }
        String function = m.group(2) != null ? function(m.group(2)) : culprit(messages);
        return in("KASAN: " + m.group(1) + (access != null ? " " + access : ""), function);
    }

    private static String ubsan(String header, List<String> messages) {
        String rest = header.substring(7);
        int in = rest.indexOf(" in ");
        String what = in >= 0 ? rest.substring(0, in) : cut(rest);
        String function = culprit(messages);
        if (function == null) {
            Matcher source = SOURCE.matcher(rest);
            function = source.find() ? source.group(1) : null;
        }
        return in("UBSAN: " + what, function);
    }

    private static String hungTask(String header, List<String> messages) {
        String function = culprit(messages);
        if (function != null) {
            return "task hung in " + function;
        }
        Matcher task = TASK.matcher(header);
        return task.lookingAt() ? "task hung: " + task.group(1) : "task hung";
    }

    private static String lockdep(String header, List<String> messages) {
        String what = header.replaceFirst("^(?:WARNING: |INFO: |\\[ INFO: )", "").replaceFirst(" \\]$", "")
                .replaceFirst("^\\S+/\\d+ (still has locks held)", "$1")
                .replace(" detected", "").replace("!", "").strip();
        String function = null;
        for (String message : messages) {
            Matcher at = LOCK_AT.matcher(message);
            if (at.find()) {
                function = function(at.group(1));
                break;
            }
        }
        return in(what, function != null ? function : culprit(messages));
    }

    private static String oom(List<String> messages) {
        for (String message : messages) {
            Matcher killed = KILLED.matcher(message);
            if (killed.find()) {
                return "out of memory: killed " + killed.group(1);
            }
        }
        Matcher invoked = INVOKED.matcher(messages.get(0));
        return invoked.lookingAt() ? "out of memory: " + invoked.group(1) + " invoked oom-killer" : "out of memory";
    }

    /** The name of a {@code die()}: {@code "invalid opcode"}, {@code "divide error"}, or {@code "Oops"}. */
    private static String dieName(String header) {
        String rest = header.startsWith("Oops: ") ? header.substring(6) : header;
        if (rest.startsWith("invalid opcode")) {
            return "invalid opcode";
        }
        if (rest.startsWith("divide error") || rest.startsWith("divide_error")) {
            return "divide error";
        }
        if (rest.startsWith("int3")) {
            return "int3";
        }
        if (rest.startsWith("stack segment")) {
            return "stack segment fault";
        }
        if (rest.startsWith("PANIC: double fault") || rest.startsWith("double fault")) {
            return "double fault";
        }
        return "Oops";
    }

    private static String in(String what, String function) {
        return function == null ? what : what + " in " + function;
    }

    private static String ripOrCulprit(List<String> messages) {
        String rip = rip(messages);
        return rip != null ? rip : culprit(messages);
    }

    /** The kernel function of the first faulting-instruction line, or null (none, or in user space). */
    static String rip(List<String> messages) {
        for (String message : messages) {
            Matcher m = RIP.matcher(message);
            if (m.lookingAt()) {
                return function(m.group(1));
            }
        }
        return null;
    }

    /** The first reliable call-trace frame outside the reporting machinery, or null. */
    static String culprit(List<String> messages) {
        for (String message : messages) {
            Matcher m = FRAME.matcher(message);
            if (m.lookingAt()) {
                String function = function(m.group(1));
                if (MACHINERY.stream().noneMatch(function::startsWith)) {
                    return function;
                }
            }
        }
        return null;
    }

    /** A function name without the compiler's clone suffixes: {@code foo.isra.0} is {@code foo}. */
    static String function(String name) {
        return SUFFIX.matcher(name).replaceFirst("");
    }

    /** The text up to where the variable part of a message starts (an address, a key:value, a task). */
    static String cut(String text) {
        Matcher m = CUT.matcher(text);
        return clean(m.find() ? text.substring(0, m.start()) : text);
    }

    /** Removes offsets, addresses and CPU numbers, and squeezes white space. */
    static String clean(String text) {
        String out = OFFSET.matcher(text).replaceAll("");
        out = ADDRESS.matcher(out).replaceAll("");
        out = CPU.matcher(out).replaceAll("$1");
        return out.replaceAll("\\s+", " ").strip().replaceAll("[\\s,:]+$", "");
    }

    private static String after(String text, String prefix) {
        return text.startsWith(prefix) ? text.substring(prefix.length()) : text;
    }
}
