/**
 * The kernel's reports about itself, found on its console:
 * {@link io.github.bootkernel.engine.report.KernelReport} (a panic, an oops, a {@code BUG:}, a
 * {@code WARNING:}, a sanitizer's finding, a hung task, a stall, a lockup, a lockdep splat, an OOM
 * kill: its kind, a title stable across runs, its lines and where it started) and
 * {@link io.github.bootkernel.engine.report.KernelReportScanner}, which finds them in console
 * lines as they arrive. Every machine runs one on its console ({@code Machine.kernelReports()}).
 * Exported.
 *
 * <p>The formats are those Linux prints (kernel/panic.c, arch/x86/kernel/dumpstack.c and traps.c,
 * lib/bug.c, kernel/locking/lockdep.c, kernel/hung_task.c, kernel/rcu/tree_stall.h,
 * kernel/watchdog.c, mm/oom_kill.c, mm/kasan, mm/kfence, kernel/kcsan, lib/ubsan.c), checked
 * against real consoles of Linux 4.15 to 6.12; syzkaller's {@code pkg/report} showed which formats
 * matter. The titles are this package's own.
 *
 * <p>Imports: the JDK only.
 */
package io.github.bootkernel.engine.report;
