package io.github.bootkernel.engine.report;

import io.github.bootkernel.engine.report.KernelReport.Kind;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The first lines of the kernel's reports, matched at the start of a kernel message (the text
 * after the printk prefix, {@link ConsoleLine}), never inside it: {@code "DEBUG: x"} is not a
 * {@code BUG:}, and a program's {@code "echo BUG: x"} line is not one either unless it starts
 * the line. The wordings are those of x86 Linux 3.x to 6.x (and arm64's {@code Unable to
 * handle kernel}), as printed by {@code panic()}, {@code die()}/{@code __die_header()},
 * {@code __warn()}, {@code report_bug()}, lockdep, the hung task detector, the RCU stall
 * detector, the watchdog, the OOM killer and the sanitizers (KASAN, KMSAN, KFENCE, KCSAN, UBSAN).
 */
final class Headers {

    /** lockdep's report names, after {@code WARNING: }, {@code INFO: } (before 4.15) or {@code [ INFO: } (before 4.9). */
    private static final List<String> LOCKDEP = List.of(
            "possible circular locking dependency detected",
            "possible recursive locking detected",
            "inconsistent lock state",
            "possible irq lock inversion dependency detected",
            "HARDIRQ-safe -> HARDIRQ-unsafe lock order detected",
            "SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected",
            "HARDIRQ-READ-safe -> HARDIRQ-READ-unsafe lock order detected",
            "SOFTIRQ-READ-safe -> SOFTIRQ-READ-unsafe lock order detected",
            "bad unlock balance detected!",
            "suspicious RCU usage",
            "held lock freed!",
            "lock held when returning to user space!",
            "lock held at task exit time!",
            "Nested lock was not taken",
            "trying to register non-static key");
    private static final Pattern LOCKS_HELD = Pattern.compile("\\S+/\\d+ still has locks held!");
    /** {@code die()}'s names for a trap in the kernel (arch/x86/kernel/traps.c, dumpstack.c). */
    private static final List<String> DIE = List.of("invalid opcode:", "divide error:", "divide_error:", "int3:",
            "stack segment:", "PANIC: double fault", "double fault:");
    private static final Pattern OOM_INVOKED = Pattern.compile("\\S.* invoked oom-killer: ");
    private static final Pattern HUNG = Pattern.compile("INFO: task .+ blocked (?:in I/O wait )?for more than ");
    private static final Pattern RCU = Pattern.compile("(?:rcu: )?INFO: rcu_\\w+ .*(?:detected|self-detected).* stall");

    private Headers() {
    }

    /**
     * Tells which report a kernel message opens.
     *
     * @param message the message after the printk prefix
     * @return the kind, or {@code null} when the message opens no report
     */
    static Kind of(String message) {
        if (message.isEmpty() || message.charAt(0) == ' ') {
            return null;
        }
        if (message.startsWith("Kernel panic - not syncing")) {
            return Kind.PANIC;
        }
        if (message.startsWith("Oops: ")) {
            // 6.10 and later put every die() name after "Oops: ".
            return message.startsWith("general protection fault", 6) ? Kind.GENERAL_PROTECTION_FAULT : Kind.OOPS;
        }
        if (isDie(message)) {
            return Kind.OOPS;
        }
        if (message.startsWith("general protection fault")) {
            return Kind.GENERAL_PROTECTION_FAULT;
        }
        if (message.startsWith("BUG: ")) {
            return bug(message.substring(5));
        }
        if (message.startsWith("kernel BUG at ")) {
            return Kind.BUG;
        }
        if (message.startsWith("WARNING: ")) {
            return isLockdep(message.substring(9)) ? Kind.LOCKDEP : Kind.WARNING;
        }
        if (message.startsWith("INFO: ")) {
            return info(message);
        }
        if (message.startsWith("[ INFO: ") && isLockdep(message.substring(8))) {
            return Kind.LOCKDEP;
        }
        if (message.startsWith("rcu: INFO: ")) {
            return RCU.matcher(message).lookingAt() ? Kind.RCU_STALL : null;
        }
        if (message.startsWith("UBSAN: ")) {
            return Kind.UBSAN;
        }
        if (message.startsWith("Unable to handle kernel ")) {
            return Kind.UNABLE_TO_HANDLE;
        }
        return watchdogOrOom(message);
    }

    /** Whether a message is a {@code die()} header that follows a {@code BUG:} in the same report. */
    static boolean isDie(String message) {
        for (String name : DIE) {
            if (message.startsWith(name)) {
                return true;
            }
        }
        return message.startsWith("Oops: ");
    }

    private static Kind bug(String rest) {
        if (rest.startsWith("KASAN: ")) {
            return Kind.KASAN;
        }
        if (rest.startsWith("KMSAN: ")) {
            return Kind.KMSAN;
        }
        if (rest.startsWith("KFENCE: ")) {
            return Kind.KFENCE;
        }
        if (rest.startsWith("KCSAN: ")) {
            return Kind.KCSAN;
        }
        if (rest.startsWith("soft lockup")) {
            return Kind.SOFT_LOCKUP;
        }
        return Kind.BUG;
    }

    private static Kind info(String message) {
        if (HUNG.matcher(message).lookingAt()) {
            return Kind.HUNG_TASK;
        }
        if (RCU.matcher(message).lookingAt()) {
            return Kind.RCU_STALL;
        }
        return isLockdep(message.substring(6)) ? Kind.LOCKDEP : null;
    }

    private static Kind watchdogOrOom(String message) {
        String rest = message;
        if (rest.startsWith("watchdog: ")) {
            rest = rest.substring(10);
        } else if (rest.startsWith("NMI watchdog: ")) {
            rest = rest.substring(14);
        }
        // The buddy detector of 6.5 and later names the CPU that noticed: "watchdog: CPU3: Watchdog detected ...".
        rest = rest.replaceFirst("^CPU\\d+: ", "");
        if (rest.startsWith("BUG: soft lockup")) {
            return Kind.SOFT_LOCKUP;
        }
        if (rest.startsWith("Watchdog detected hard LOCKUP")) {
            return Kind.HARD_LOCKUP;
        }
        if (message.startsWith("Out of memory: ") || message.startsWith("Memory cgroup out of memory: ")
                || message.contains(" invoked oom-killer: ") && OOM_INVOKED.matcher(message).lookingAt()) {
            return Kind.OOM_KILL;
        }
        return null;
    }

    static boolean isLockdep(String text) {
        for (String name : LOCKDEP) {
            if (text.startsWith(name)) {
                return true;
            }
        }
        return LOCKS_HELD.matcher(text).lookingAt();
    }
}
