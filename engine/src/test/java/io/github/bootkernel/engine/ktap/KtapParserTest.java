package io.github.bootkernel.engine.ktap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.github.bootkernel.engine.ktap.KtapTest.Directive;
import io.github.bootkernel.engine.ktap.KtapTest.Result;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KtapParserTest {

    /**
     * A real console: the tiny-kunit kernel (Debian's linux-source-6.1 6.1.192-3, tinyconfig plus
     * KUNIT_ALL_TESTS) booted by bootkernel with {@code loglevel=7} and no initramfs, one vCPU;
     * boot lines between the first two and the KTAP run left out. {@code kunit.py parse} of the
     * whole console said: "Ran 221 tests: passed: 205, skipped: 16", 27 suites.
     */
    @Test
    void readsTinyKunitsRealConsoleAsKunitPyDoes() throws IOException {
        List<KtapTest> runs = KtapParser.parse(resource("tiny-kunit-6.1.console"));

        assertThat(runs).hasSize(1);
        KtapTest run = runs.get(0);
        assertThat(run.plan()).hasValue(27);
        assertThat(run.subtests()).hasSize(27);
        assertThat(run.cases()).hasSize(221);
        Map<Result, Long> byResult = run.cases().stream()
                .collect(Collectors.groupingBy(KtapTest::result, Collectors.counting()));
        assertThat(byResult).containsOnly(Map.entry(Result.PASSED, 205L), Map.entry(Result.SKIPPED, 16L));
        assertThat(run.result()).isEqualTo(Result.PASSED);

        KtapTest breakpoints = run.subtests().get(1);
        assertThat(breakpoints.name()).isEqualTo("hw_breakpoint");
        assertThat(breakpoints.number()).isEqualTo(2);
        assertThat(breakpoints.result()).isEqualTo(Result.SKIPPED);
        assertThat(breakpoints.subtests().get(0)).extracting(KtapTest::name, KtapTest::result, KtapTest::reason)
                .containsExactly("test_one_cpu", Result.SKIPPED, "not enough cpus");
        // The suite's closing diagnostics come unindented, after its last case.
        assertThat(breakpoints.diagnostics()).containsExactly("# hw_breakpoint: pass:0 fail:0 skip:9 total:9",
                "# Totals: pass:0 fail:0 skip:9 total:9");
        assertThat(run.subtests().get(26).name()).isEqualTo("property-entry");
        assertThat(run.subtests()).allSatisfy(suite -> assertThat(suite.problems()).isEmpty());
    }

    /**
     * The same console as above, and what {@code kunit.py parse} (Debian's linux-source-6.1
     * 6.1.192-3, tools/testing/kunit) printed for it, kept as tiny-kunit-6.1.kunit-parse: every
     * suite and case with the same name and status.
     */
    @Test
    void givesEverySuiteAndCaseTheNameAndStatusKunitPyGives() throws IOException {
        KtapTest run = KtapParser.parse(resource("tiny-kunit-6.1.console")).get(0);

        List<String> expected = KunitPyOutput.summary(resource("tiny-kunit-6.1.kunit-parse"));
        assertThat(expected).hasSize(27 * 2 + 221);
        assertThat(KunitPyOutput.summary(run)).containsExactlyElementsOf(expected);
    }

    @Test
    void tellsOfEachTestAsItsResultLineArrives() throws IOException {
        List<String> events = new ArrayList<>();
        KtapParser parser = new KtapParser(recorder(events));
        List<String> console = resource("tiny-kunit-6.1.console");
        int firstCase = indexOf(console, "time64_to_tm_test_date_range");
        console.subList(0, firstCase).forEach(parser::accept);
        assertThat(events).containsExactly("started 0 #0 plan 27", "started 1 time_test_cases plan 1");

        parser.accept(console.get(firstCase));
        assertThat(events).last().isEqualTo("finished 2 time64_to_tm_test_date_range PASSED");
        parser.accept(console.get(firstCase + 1));
        assertThat(events).last().isEqualTo("finished 1 time_test_cases PASSED");

        console.subList(firstCase + 2, console.size()).forEach(parser::accept);
        assertThat(events).last().isEqualTo("finished 0 #0 PASSED");
        assertThat(events).hasSize(2 + 27 * 2 + 221);
    }

    /**
     * Three levels, as KUnit prints them since 6.6 (a {@code # module:} line in the header, a
     * parameterised case as a subtest without a plan), made from kunit's example suite's format
     * with our own names.
     */
    @Test
    void nestsByIndentationThreeLevelsDeep() {
        List<KtapTest> runs = KtapParser.parse(List.of(
                "[    1.000000] KTAP version 1",
                "[    1.000001] 1..1",
                "[    1.000002]     KTAP version 1",
                "[    1.000003]     # Subtest: example",
                "[    1.000004]     # module: example_test",
                "[    1.000005]     1..3",
                "[    1.000006]     # simple: initializing",
                "[    1.000007]     ok 1 simple",
                "[    1.000008]         KTAP version 1",
                "[    1.000009]         # Subtest: params",
                "[    1.000010]         ok 1 value 3 # SKIP unsupported value 3",
                "[    1.000011]         not ok 2 value 2",
                "[    1.000012]     # params: pass:0 fail:1 skip:1 total:2",
                "[    1.000013]     not ok 2 params",
                "[    1.000014]     # failing: EXPECTATION FAILED at lib/example.c:42",
                "[    1.000015]     Expected 1 + 1 == 3, but",
                "[    1.000016]         1 + 1 == 2 (0x2)",
                "[    1.000017]     not ok 3 failing",
                "[    1.000018] # example: pass:1 fail:2 skip:0 total:3",
                "[    1.000019] not ok 1 example"));

        KtapTest example = runs.get(0).subtests().get(0);
        assertThat(example.name()).isEqualTo("example");
        assertThat(example.result()).isEqualTo(Result.FAILED);
        assertThat(example.plan()).hasValue(3);
        assertThat(example.diagnostics()).containsExactly("# module: example_test",
                "# example: pass:1 fail:2 skip:0 total:3");
        assertThat(example.subtests()).extracting(KtapTest::name)
                .containsExactly("simple", "params", "failing");
        assertThat(example.subtests().get(0).diagnostics()).containsExactly("# simple: initializing");
        KtapTest params = example.subtests().get(1);
        assertThat(params.plan()).isEmpty();
        assertThat(params.result()).isEqualTo(Result.FAILED);
        assertThat(params.subtests()).extracting(KtapTest::name, KtapTest::result)
                .containsExactly(tuple("value 3", Result.SKIPPED),
                        tuple("value 2", Result.FAILED));
        assertThat(params.diagnostics()).containsExactly("# params: pass:0 fail:1 skip:1 total:2");
        assertThat(example.subtests().get(2).diagnostics()).containsExactly(
                "# failing: EXPECTATION FAILED at lib/example.c:42", "Expected 1 + 1 == 3, but",
                "    1 + 1 == 2 (0x2)");
        assertThat(runs.get(0).result()).isEqualTo(Result.FAILED);
        assertThat(runs.get(0).cases()).hasSize(4);
    }

    /** ktap.rst's "Example KTAP output", nested with a version line only (no {@code # Subtest:}). */
    @Test
    void readsNestingWithVersionLinesOnlyAsKtapRstShowsIt() {
        List<KtapTest> runs = KtapParser.parse(List.of(
                "KTAP version 1",
                "1..1",
                "  KTAP version 1",
                "  1..2",
                "    KTAP version 1",
                "    1..1",
                "    # inner: starting",
                "    ok 1 inner",
                "  ok 1 middle_1",
                "    KTAP version 1",
                "    1..2",
                "    ok 1 first # SKIP first skipped",
                "    not ok 2 second",
                "  not ok 2 middle_2",
                "not ok 1 outer"));

        KtapTest outer = runs.get(0).subtests().get(0);
        assertThat(outer.name()).isEqualTo("outer");
        assertThat(outer.result()).isEqualTo(Result.FAILED);
        assertThat(outer.subtests()).extracting(KtapTest::name).containsExactly("middle_1", "middle_2");
        assertThat(outer.subtests().get(0).subtests().get(0).diagnostics()).containsExactly("# inner: starting");
        assertThat(outer.subtests().get(1).subtests()).extracting(KtapTest::name, KtapTest::result)
                .containsExactly(tuple("first", Result.SKIPPED),
                        tuple("second", Result.FAILED));
    }

    /**
     * TAP version 13 as kselftest's runner prints it (the format of tools/testing/selftests/
     * kselftest/runner.sh, our own test names): a test's own TAP output comes as {@code # } lines,
     * a timeout as a directive.
     */
    @Test
    void readsKselftestsTap13WithDirectives() {
        List<KtapTest> runs = KtapParser.parse(List.of(
                "TAP version 13",
                "1..4",
                "# timeout set to 45",
                "# selftests: timers: posix_timers",
                "# TAP version 13",
                "# 1..2",
                "# ok 1 - itimer",
                "ok 1 selftests: timers: posix_timers",
                "# selftests: timers: nanosleep",
                "not ok 2 selftests: timers: nanosleep # TIMEOUT 45 seconds",
                "ok 3 selftests: timers: rtcpie # SKIP no /dev/rtc0",
                "not ok 4 - selftests: timers: raw_skew # TODO clock drifts under emulation"));

        KtapTest run = runs.get(0);
        assertThat(run.subtests()).extracting(KtapTest::result, KtapTest::directive, KtapTest::reason).containsExactly(
                tuple(Result.PASSED, Directive.NONE, ""),
                tuple(Result.FAILED, Directive.TIMEOUT, "45 seconds"),
                tuple(Result.SKIPPED, Directive.SKIP, "no /dev/rtc0"),
                tuple(Result.TODO, Directive.TODO, "clock drifts under emulation"));
        assertThat(run.subtests().get(3).name()).isEqualTo("selftests: timers: raw_skew");
        assertThat(run.subtests().get(0).diagnostics()).containsExactly("# timeout set to 45",
                "# selftests: timers: posix_timers", "# TAP version 13", "# 1..2", "# ok 1 - itimer");
        assertThat(run.subtests().get(0).subtests()).isEmpty();
        assertThat(run.result()).isEqualTo(Result.FAILED);
    }

    @Test
    void keepsDiagnosticDataWithoutADirectiveAsTheReason() {
        KtapTest test = KtapParser.parse(List.of("KTAP version 1", "1..1", "ok 1 check return code # rcode=0"))
                .get(0).subtests().get(0);

        assertThat(test.result()).isEqualTo(Result.PASSED);
        assertThat(test.directive()).isEqualTo(Directive.NONE);
        assertThat(test.reason()).isEqualTo("rcode=0");
    }

    /**
     * A kernel that oopses inside a test case and stops printing: the format of a 6.1 kunit run
     * (tiny-kunit's above) with an oops in the form 6.1 prints it, details made up.
     */
    @Test
    void aTestWhoseResultNeverComesCrashedWithTheLinesAfterTheLastResult() {
        List<String> events = new ArrayList<>();
        KtapParser parser = new KtapParser(recorder(events));
        List.of("[    6.462532] KTAP version 1",
                "[    6.496086] 1..2",
                "[    6.527476]     KTAP version 1",
                "[    6.569753]     # Subtest: list_sort",
                "[    6.619034]     1..3",
                "[    6.724979]     ok 1 list_sort_test",
                "[    6.801234] BUG: kernel NULL pointer dereference, address: 0000000000000008",
                "[    6.801240] #PF: supervisor read access in kernel mode",
                "[    6.801251] RIP: 0010:list_sort_cmp+0x12/0x40").forEach(parser::accept);
        parser.end("the guest ended (PANIC: Kernel panic - not syncing: Fatal exception)");

        KtapTest suite = parser.runs().get(0).subtests().get(0);
        assertThat(suite.result()).isEqualTo(Result.CRASHED);
        assertThat(suite.reason()).isEqualTo(
                "no result line: the guest ended (PANIC: Kernel panic - not syncing: Fatal exception)");
        assertThat(suite.subtests()).extracting(KtapTest::number, KtapTest::name, KtapTest::result).containsExactly(
                tuple(1, "list_sort_test", Result.PASSED),
                tuple(2, "", Result.CRASHED),
                tuple(3, "", Result.CRASHED));
        assertThat(suite.subtests().get(1).diagnostics()).containsExactly(
                "BUG: kernel NULL pointer dereference, address: 0000000000000008",
                "#PF: supervisor read access in kernel mode", "RIP: 0010:list_sort_cmp+0x12/0x40");
        assertThat(suite.subtests().get(1).label()).isEqualTo("#2");
        assertThat(suite.subtests().get(2).diagnostics()).isEmpty();
        // The run's second suite never began: it crashed too, and the run with it.
        KtapTest run = parser.runs().get(0);
        assertThat(run.subtests()).extracting(KtapTest::result).containsExactly(Result.CRASHED, Result.CRASHED);
        assertThat(run.result()).isEqualTo(Result.CRASHED);
        assertThat(events).containsExactly("started 0 #0 plan 2", "started 1 list_sort plan 3",
                "finished 2 list_sort_test PASSED", "finished 2 #2 CRASHED", "finished 2 #3 CRASHED",
                "finished 1 list_sort CRASHED", "finished 1 #2 CRASHED", "finished 0 #0 CRASHED");
    }

    @Test
    void aSuiteWithoutItsResultLineCrashesWhenTheNextSuiteBegins() {
        KtapTest run = KtapParser.parse(List.of(
                "KTAP version 1",
                "1..2",
                "    KTAP version 1",
                "    # Subtest: first",
                "    1..1",
                "    ok 1 only",
                "    KTAP version 1",
                "    # Subtest: second",
                "    1..1",
                "    ok 1 only",
                "ok 2 second")).get(0);

        assertThat(run.subtests()).extracting(KtapTest::name, KtapTest::result).containsExactly(
                tuple("first", Result.CRASHED),
                tuple("second", Result.PASSED));
        assertThat(run.subtests().get(0).reason()).isEqualTo("no result line: the next test at its level began");
        assertThat(run.subtests().get(0).subtests().get(0).result()).isEqualTo(Result.PASSED);
    }

    @Test
    void aResultLineOfAnOuterTestCrashesTheOpenInnerOnes() {
        KtapTest outer = KtapParser.parse(List.of(
                "KTAP version 1",
                "1..1",
                "  KTAP version 1",
                "  1..1",
                "    KTAP version 1",
                "    1..2",
                "    ok 1 a",
                "not ok 1 outer")).get(0).subtests().get(0);

        assertThat(outer.result()).isEqualTo(Result.CRASHED);
        KtapTest middle = outer.subtests().get(0);
        assertThat(middle.result()).isEqualTo(Result.CRASHED);
        assertThat(middle.reason()).isEqualTo("no result line: the result of a test at an outer level came first");
        assertThat(middle.subtests()).extracting(KtapTest::result).containsExactly(Result.PASSED, Result.CRASHED);
    }

    @Test
    void unindentedOutputStillNestsByPlanAndName() {
        KtapTest run = KtapParser.parse(List.of(
                "KTAP version 1",
                "1..2",
                "KTAP version 1",
                "# Subtest: planned",
                "1..2",
                "ok 1 a",
                "ok 2 b",
                "ok 1 planned",
                "# Subtest: unplanned",
                "ok 1 c",
                "not ok 2 d",
                "not ok 2 unplanned")).get(0);

        assertThat(run.subtests()).extracting(KtapTest::name, KtapTest::result).containsExactly(
                tuple("planned", Result.PASSED),
                tuple("unplanned", Result.FAILED));
        assertThat(run.subtests().get(1).subtests()).extracting(KtapTest::name).containsExactly("c", "d");
    }

    @Test
    void malformedInputIsTakenAsPrintedAndNoted() {
        List<KtapTest> runs = KtapParser.parse(List.of(
                "ok 1 before any version line",
                "KTAP version 1",
                "1..2",
                "okay this is not a result",
                "ok 3 wrong number",
                "not ok",
                "ok 4 one too many",
                "garbage after the plan was complete"));

        KtapTest run = runs.get(0);
        assertThat(run.subtests()).extracting(KtapTest::name).containsExactly("wrong number", "");
        assertThat(run.subtests().get(0).problems()).containsExactly("expected test 1, found test 3");
        assertThat(run.subtests().get(0).diagnostics()).containsExactly("okay this is not a result");
        assertThat(run.subtests().get(1).result()).isEqualTo(Result.FAILED);
        assertThat(run.subtests().get(1).label()).isEqualTo("#0");
        // The plan was complete: the run ended, and the rest was outside any run.
        assertThat(runs).hasSize(1);
    }

    @Test
    void aTrailingPlanAndAnUnknownDirectiveAreReadAsTapAllowsThem() {
        KtapTest run = KtapParser.parse(List.of(
                "TAP version 13",
                "ok 1 first # FLAKY sometimes",
                "ok 2 second",
                "1..3",
                "ok 3 third",
                "after the run")).get(0);

        assertThat(run.plan()).hasValue(3);
        assertThat(run.subtests()).hasSize(3);
        assertThat(run.subtests().get(0)).extracting(KtapTest::result, KtapTest::directive, KtapTest::reason)
                .containsExactly(Result.PASSED, Directive.NONE, "FLAKY sometimes");
        assertThat(run.diagnostics()).isEmpty();
    }

    @Test
    void linesWithoutTheRunsPrefixAreNeverResults() {
        KtapTest suite = KtapParser.parse(List.of(
                "[    0.500000] KTAP version 1",
                "[    0.500001] 1..1",
                "[    0.500002]     KTAP version 1",
                "[    0.500003]     # Subtest: suite",
                "[    0.500004]     1..1",
                "ok 1 printed by a user program",
                "[  100.500005]     ok 1 case",
                "[ 1000.500006] ok 1 suite")).get(0).subtests().get(0);

        assertThat(suite.result()).isEqualTo(Result.PASSED);
        assertThat(suite.subtests()).extracting(KtapTest::name).containsExactly("case");
        assertThat(suite.subtests().get(0).diagnostics()).containsExactly("ok 1 printed by a user program");
    }

    @Test
    void aRunWithoutAPlanEndsWithTheInputAndKeepsAtMostItsBoundOfLines() {
        List<String> console = new ArrayList<>(List.of("KTAP version 1", "ok 1 only"));
        for (int i = 0; i < KtapParser.MAX_DIAGNOSTICS + 7; i++) {
            console.add("line " + i);
        }
        KtapTest run = KtapParser.parse(console).get(0);

        assertThat(run.plan()).isEmpty();
        assertThat(run.result()).isEqualTo(Result.PASSED);
        assertThat(run.diagnostics()).hasSize(KtapParser.MAX_DIAGNOSTICS + 1)
                .endsWith("line " + (KtapParser.MAX_DIAGNOSTICS - 1), "... 7 more lines");
    }

    @Test
    void twoRunsOnOneConsoleAreTwoRuns() {
        List<KtapTest> runs = KtapParser.parse(List.of(
                "KTAP version 1", "1..1", "ok 1 a", "boot goes on", "KTAP version 1", "1..1", "not ok 1 b"));

        assertThat(runs).extracting(KtapTest::result).containsExactly(Result.PASSED, Result.FAILED);
        assertThat(runs.get(1).subtests().get(0).diagnostics()).isEmpty();
    }

    @Test
    void noVersionLineMeansNoRun() {
        assertThat(KtapParser.parse(List.of("ok 1 a", "1..1", "not ok 2 b"))).isEmpty();
    }

    @Test
    void endIsIdempotentAndNoLineMayFollowIt() {
        KtapParser parser = new KtapParser(new KtapListener() { });
        parser.accept("KTAP version 1");
        parser.end("first");
        parser.end("second");

        assertThat(parser.runs()).hasSize(1);
        assertThat(parser.runs().get(0).plan()).isEqualTo(OptionalInt.empty());
        assertThatThrownBy(() -> parser.accept("ok 1 late")).isInstanceOf(IllegalStateException.class);
    }

    private static KtapListener recorder(List<String> events) {
        return new KtapListener() {
            @Override
            public void started(int depth, int number, String name, OptionalInt plan) {
                events.add("started " + depth + " " + (name.isEmpty() ? "#" + number : name)
                        + (plan.isPresent() ? " plan " + plan.getAsInt() : ""));
            }

            @Override
            public void finished(int depth, KtapTest test) {
                events.add("finished " + depth + " " + test.label() + " " + test.result());
            }
        };
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError(text + " not found");
    }

    static List<String> resource(String name) throws IOException {
        try (InputStream in = KtapParserTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
