package io.github.bootkernel.engine.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.bootkernel.engine.report.KernelReport.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each kind of report from real kernels' consoles (the samples say which kernel and where they
 * came from), then the rules for where a report starts and ends.
 */
class KernelReportScannerTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            panic-6.1            | PANIC                    | kernel panic: sysrq triggered crash                              | 4 | Kernel Offset:
            panic-4.15           | PANIC                    | kernel panic: Attempted to kill init! exitcode=0x0000000b         | 0 | retint_user+
            bug-null-5.6         | BUG                      | BUG: kernel NULL pointer dereference                             | 0 | ---[ end trace
            kernel-bug-5.10      | BUG                      | kernel BUG in rmap_walk_file                                     | 1 | ---[ end trace
            divide-error-5.9     | OOPS                     | divide error in tabledist                                        | 0 | ---[ end trace
            gpf-6.0              | GENERAL_PROTECTION_FAULT | general protection fault in mutex_optimistic_spin                | 0 | ---[ end trace
            kasan-6.4            | KASAN                    | KASAN: slab-use-after-free Read in xas_start                     | 1 | ==========
            kfence-5.11          | KFENCE                   | KFENCE: use-after-free read in memcmp                            | 1 | ==========
            kcsan-6.12           | KCSAN                    | KCSAN: assert: race in dequeue_entities                          | 1 | ==========
            ubsan-5.4            | UBSAN                    | UBSAN: Undefined behaviour in lkdtm_ARRAY_BOUNDS                 | 1 | ==========
            ubsan-5.9            | UBSAN                    | UBSAN: array-index-out-of-bounds in arch_uprobe_analyze_insn     | 1 | ==========
            hung-task-5.9        | HUNG_TASK                | task hung in register_netdevice_notifier                         | 0 | ==========
            rcu-stall-5.10       | RCU_STALL                | RCU stall in count_memcg_event_mm                                | 0 | R13:
            soft-lockup-5.10     | SOFT_LOCKUP              | soft lockup in __sanitizer_cov_trace_switch                      | 0 | kmem_cache_alloc_node+
            lockdep-4.15         | LOCKDEP                  | possible circular locking dependency in do_ip_setsockopt         | 1 | R13:
            lockdep-5.5          | LOCKDEP                  | possible circular locking dependency in flush_workqueue          | 1 | R13:
            unable-to-handle-6.1 | UNABLE_TO_HANDLE         | Unable to handle kernel NULL pointer dereference in __queue_work | 1 | 1bc0:
            warning-4.20         | WARNING                  | WARNING in xfrm_state_fini                                       | 0 | WARNING: CPU: 2
            oom-kill-6.1         | OOM_KILL                 | out of memory: killed sort                                       | 3 | Out of memory: Killed process 86
            """)
    void findsEachKindInARealConsole(String sample, Kind kind, String title, long headerLine, String lastLine) {
        List<String> console = Samples.lines(sample);
        KernelReport report = KernelReportScanner.scan(console).get(0);

        assertThat(report.kind()).isEqualTo(kind);
        assertThat(report.title()).isEqualTo(title);
        assertThat(report.consoleLine()).isEqualTo(headerLine);
        assertThat(report.lines()).contains(console.get((int) headerLine));
        assertThat(ConsoleLine.parse(report.lines().get(report.lines().size() - 1)).message().strip())
                .startsWith(lastLine);
        assertThat(report.uptime()).isPresent();
    }

    @Test
    void theSysrqPanicOf61HasItsCallTraceAndUptime() {
        KernelReport panic = KernelReportScanner.scan(Samples.lines("panic-6.1")).get(0);

        assertThat(panic.uptime()).contains(Duration.ofNanos(36_165_292_000L));
        assertThat(panic.lines()).first().asString().endsWith("Kernel panic - not syncing: sysrq triggered crash");
        assertThat(panic.lines()).anyMatch(l -> l.contains("sysrq_handle_crash+0x16/0x20"));
        assertThat(panic.summary()).isEqualTo("panic: kernel panic: sysrq triggered crash");
        assertThat(panic.describe()).startsWith("panic: kernel panic: sysrq triggered crash (console line 5, uptime"
                + " 36.165292 s)\n  [   36.165292] Kernel panic - not syncing: sysrq triggered crash\n");
    }

    @Test
    void anOopsThatPanicsIsTwoReportsAndOtherTasksLinesAreLeftOut() {
        List<KernelReport> reports = KernelReportScanner.scan(Samples.lines("gpf-6.0"));

        assertThat(reports).extracting(KernelReport::kind)
                .containsExactly(Kind.GENERAL_PROTECTION_FAULT, Kind.PANIC);
        assertThat(reports.get(1).title()).isEqualTo("kernel panic: Fatal exception");
        // REISERFS lines of another task (its own caller id) came in the middle of the report.
        assertThat(reports.get(0).lines()).noneMatch(l -> l.contains("REISERFS"))
                .anyMatch(l -> l.contains("KASAN: maybe wild-memory-access"));
    }

    @Test
    void aBugFollowedByItsOopsIsOneReport() {
        List<KernelReport> reports = KernelReportScanner.scan(Samples.lines("kernel-bug-5.10"));

        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).lines()).first().asString().endsWith("------------[ cut here ]------------");
        assertThat(reports.get(0).lines()).anyMatch(l -> l.endsWith("invalid opcode: 0000 [#1] PREEMPT SMP KASAN"));
    }

    @Test
    void aWarningWithPanicOnWarnIsAWarningThenAPanic() {
        assertThat(KernelReportScanner.scan(Samples.lines("warning-4.20")))
                .extracting(KernelReport::kind, KernelReport::title)
                .containsExactly(tuple(Kind.WARNING, "WARNING in xfrm_state_fini"),
                        tuple(Kind.PANIC, "kernel panic: panic_on_warn set ..."));
    }

    @Test
    void hardLockupsInTheWordingsOfSeveralVersions() {
        // Header lines quoted in kernel mailing-list reports: 5.13 (x86, perf NMI watchdog), 6.6
        // (arm64, meson), 6.x (the buddy detector naming the CPU that noticed); details replaced.
        List<String> console = List.of(
                "[   75.213852] NMI watchdog: Watchdog detected hard LOCKUP on cpu 0",
                "   [  OK  ] Reached target Swap.",
                "[   95.974379] watchdog: Watchdog detected hard LOCKUP on cpu 3",
                "[   95.974424] Modules linked in: rtc_meson_vrtc",
                "/ # ",
                "[  164.964389] watchdog: CPU3: Watchdog detected hard LOCKUP on cpu 3",
                "[  164.964407] Modules linked in: snd_hda_intel",
                "[  164.964569] irq event stamp: 1002206");

        assertThat(KernelReportScanner.scan(console)).extracting(KernelReport::kind, KernelReport::title,
                        r -> r.lines().size())
                .containsExactly(tuple(Kind.HARD_LOCKUP, "hard lockup", 1), tuple(Kind.HARD_LOCKUP, "hard lockup", 2),
                        tuple(Kind.HARD_LOCKUP, "hard lockup", 3));
    }

    @Test
    void anOomKillEndsAtItsKillLine() {
        List<KernelReport> reports = KernelReportScanner.scan(Samples.lines("oom-kill-6.1"));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.lines()).first().asString().endsWith("sort invoked oom-killer: gfp_mask=0x140dca"
                    + "(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0");
            assertThat(r.lines()).noneMatch(l -> l.contains("oom_reaper"));
        });
    }

    // ------------------------------------------------------------------------------ where a report starts

    @Test
    void aHeaderCountsOnlyAtTheStartOfAMessage() {
        assertThat(KernelReportScanner.scan(List.of(
                "DEBUG: value=3",
                "[    1.000000] ODEBUG: object is on stack",
                "echo BUG: not a bug",
                "/ # echo 'Kernel panic - not syncing: typed by hand'",
                "[    2.000000] traps: init[1] general protection fault ip:4011b6 sp:7ffc error:0 in init[400000+1000]",
                "[    3.000000] xt_TCPMSS: WARNING: not a kernel warning"))).isEmpty();
    }

    @Test
    void aKernelMessageAfterAPromptStartsAtItsTimestamp() {
        List<KernelReport> reports = KernelReportScanner.scan(List.of(
                "/ # [    5.123456] Kernel panic - not syncing: sysrq triggered crash",
                "[    5.123500] CPU: 0 PID: 84 Comm: sh Not tainted 6.1.0 #1"));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(Kind.PANIC);
            assertThat(r.uptime()).contains(Duration.ofNanos(5_123_456_000L));
            assertThat(r.lines()).hasSize(2);
        });
    }

    @Test
    void consolesWithoutTimestampsAndWithLogLevelsAreRead() {
        assertThat(KernelReportScanner.scan(List.of("BUG: kernel NULL pointer dereference, address: 0000000000000008",
                "<4>WARNING: CPU: 1 PID: 7 at kernel/workqueue.c:3066 __flush_work+0x4c/0x60")))
                .extracting(KernelReport::kind, r -> r.uptime().isPresent())
                .containsExactly(tuple(Kind.BUG, false),
                        tuple(Kind.WARNING, false));
    }

    // -------------------------------------------------------------------------------- where it ends

    @Test
    void aProgramsLineEndsATimestampedReport() {
        List<KernelReport> reports = KernelReportScanner.scan(List.of(
                "[   12.000000] INFO: task sh:85 blocked for more than 122 seconds.",
                "[   12.000100] Call Trace:",
                "[   12.000200]  __schedule+0x34d/0x9e0",
                "[   12.000300]  schedule+0x5a/0xd0",
                "[   12.000400]  pipe_read+0x2a1/0x4c0",
                "/ # ls",
                "[   12.100000]  not_part_of_it+0x1/0x2"));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.lines()).hasSize(5);
            assertThat(r.title()).isEqualTo("task hung in pipe_read");
        });
    }

    @Test
    void aLateKernelLineIsNotPartOfAReport() {
        List<KernelReport> reports = KernelReportScanner.scan(List.of(
                "[   12.000000] INFO: task sh:85 blocked for more than 122 seconds.",
                "[   12.000400]  pipe_read+0x2a1/0x4c0",
                "[   22.000401] random: crng init done"));

        assertThat(reports.get(0).lines()).hasSize(2);
    }

    @Test
    void theEndOfTheTasksTraceEndsAMarkerlessReport() {
        List<KernelReport> reports = KernelReportScanner.scan(List.of(
                "[   12.000000] BUG: sleeping function called from invalid context at kernel/locking/mutex.c:580",
                "[   12.000001] in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 85, name: sh",
                "[   12.000002] Call Trace:",
                "[   12.000003]  <TASK>",
                "[   12.000004]  dump_stack_lvl+0x44/0x5c",
                "[   12.000005]  __might_resched.cold+0xcc/0xe0",
                "[   12.000006]  mutex_lock+0x1a/0x40",
                "[   12.000007]  my_driver_write+0x3a/0x90",
                "[   12.000008]  </TASK>",
                "[   12.000009] my_driver: done"));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.title()).isEqualTo("BUG: sleeping function called from invalid context in my_driver_write");
            assertThat(r.lines()).hasSize(9);
        });
    }

    @Test
    void aReportKeepsAtMostMaxLines() {
        List<String> console = new ArrayList<>();
        console.add("[    1.000000] INFO: task sh:85 blocked for more than 122 seconds.");
        IntStream.range(0, 500).forEach(i -> console.add("[    1.000001]  frame" + i + "+0x1/0x2"));

        List<KernelReport> reports = KernelReportScanner.scan(console);

        assertThat(reports).singleElement().satisfies(r -> assertThat(r.lines()).hasSize(KernelReportScanner.MAX_LINES));
    }

    @Test
    void manyReportsAreBounded() {
        List<String> console = new ArrayList<>();
        IntStream.range(0, KernelReportScanner.MAX_REPORTS + 5).forEach(i -> {
            console.add("[    1.000000] WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 foo+0x1/0x2");
            IntStream.range(0, 30).forEach(j -> console.add("[    1.000001]  bar+0x1/0x2"));
            console.add("[    1.000002] ---[ end trace 0000000000000000 ]---");
        });
        KernelReportScanner scanner = new KernelReportScanner();
        console.forEach(scanner::accept);
        scanner.end();

        List<KernelReport> reports = scanner.reports();
        assertThat(reports).hasSize(KernelReportScanner.MAX_REPORTS);
        assertThat(scanner.droppedReports()).isEqualTo(5);
        assertThat(reports.get(0).lines()).hasSize(32);
        assertThat(reports.get(KernelReportScanner.FULL_REPORTS).lines()).hasSize(KernelReportScanner.SHORT_LINES);
    }

    // ------------------------------------------------------------------------------------- live use

    @Test
    void tellsEachReportOnceAsItCompletesAndShowsTheOpenOne() {
        List<KernelReport> told = new ArrayList<>();
        KernelReportScanner scanner = new KernelReportScanner(told::add);
        scanner.accept("[    1.000000] INFO: task sh:85 blocked for more than 122 seconds.");
        scanner.accept("[    1.000001]  pipe_read+0x2a1/0x4c0");

        assertThat(told).isEmpty();
        assertThat(scanner.reports()).singleElement().extracting(KernelReport::title).isEqualTo("task hung in pipe_read");

        scanner.accept("[    1.000002] Kernel panic - not syncing: hung_task: blocked tasks");
        assertThat(told).extracting(KernelReport::kind).containsExactly(Kind.HUNG_TASK);

        scanner.end();
        scanner.end();
        scanner.accept("[    1.000003] BUG: after the end");
        assertThat(told).extracting(KernelReport::kind).containsExactly(Kind.HUNG_TASK, Kind.PANIC);
        assertThat(scanner.reports()).isEqualTo(told);
        assertThat(told.get(1).consoleLine()).isEqualTo(2);
    }

    @Test
    void aListenerThatThrowsLosesNothing() {
        KernelReportScanner scanner = new KernelReportScanner(r -> {
            throw new IllegalStateException("boom");
        });
        scanner.accept("Kernel panic - not syncing: x");
        scanner.end();

        assertThat(scanner.reports()).hasSize(1);
    }
}
