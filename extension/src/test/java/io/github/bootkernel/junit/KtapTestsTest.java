package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.bootkernel.engine.console.Console;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EventType;

class KtapTestsTest {

    /** The format of a 6.1 kunit run (tiny-kunit's console), with a failing and a skipped case. */
    private static final String KUNIT_61 = """
            [    0.400000] Linux version 6.1.192
            [    6.462532] KTAP version 1
            [    6.496086] 1..2
            [    6.527476]     KTAP version 1
            [    6.569753]     # Subtest: resource
            [    6.619034]     1..3
            [    6.724979]     ok 1 resource_test_union
            [    6.725000]     # resource_test_intersection: EXPECTATION FAILED at kernel/resource_kunit.c:99
            [    6.725001]     Expected r.start == 0x4000, but
            [    6.725002]         r.start == 0x0
            [    6.725931]     not ok 2 resource_test_intersection
            [    6.726931]     ok 3 resource_test_disjoint # SKIP not on this machine
            [    6.727000] # resource: pass:1 fail:1 skip:1 total:3
            [    6.727898] not ok 1 resource
            [    6.777898]     KTAP version 1
            [    6.796852]     # Subtest: hw_breakpoint
            [    6.797000]     1..1
            [    6.838219]     ok 1 test_one_cpu # SKIP not enough cpus
            [    6.890592] ok 2 hw_breakpoint # SKIP
            [    7.000000] Run /init as init process
            """;

    @Test
    void eachSuiteIsAContainerAndEachCaseATestWithTheKernelsVerdict() {
        Fixture.console = Console.of(KUNIT_61);
        EngineExecutionResults results = TestKit.run(Fixture.class);

        assertThat(outcomes(results)).containsExactly(
                "container resource SUCCESSFUL",
                "test resource_test_union SUCCESSFUL",
                "test resource_test_intersection FAILED",
                "test resource_test_disjoint ABORTED",
                "container hw_breakpoint SUCCESSFUL",
                "test test_one_cpu ABORTED");
        Throwable failure = failure(results, "resource_test_intersection");
        assertThat(failure.getMessage()).startsWith("KTAP: not ok 2 resource_test_intersection\n\n"
                + "Its diagnostic lines:\n"
                + "  | # resource_test_intersection: EXPECTATION FAILED at kernel/resource_kunit.c:99\n"
                + "  | Expected r.start == 0x4000, but\n"
                + "  |     r.start == 0x0\n\n"
                + "The console (20 lines):").contains("  | [    7.000000] Run /init as init process");
        assertThat(failure(results, "resource_test_disjoint")).hasMessage("KTAP: skipped: not on this machine");
    }

    @Test
    void aCaseWhoseResultNeverCameFailsAsCrashed() {
        Fixture.console = Console.of("""
                KTAP version 1
                1..1
                    KTAP version 1
                    # Subtest: list_sort
                    1..2
                    ok 1 list_sort_test
                BUG: kernel NULL pointer dereference, address: 0000000000000008
                """);
        EngineExecutionResults results = TestKit.run(Fixture.class);

        assertThat(outcomes(results)).containsExactly("container list_sort SUCCESSFUL",
                "test list_sort_test SUCCESSFUL", "test #2 FAILED");
        assertThat(failure(results, "#2").getMessage()).startsWith(
                "KTAP: #2 crashed: no result line: the guest ended (the console ended)\n\n"
                + "Its diagnostic lines:\n  | BUG: kernel NULL pointer dereference, address: 0000000000000008");
    }

    @Test
    void aFailedSuiteWhoseCasesPassedGetsATestOfItsOwn() {
        Fixture.console = Console.of("""
                KTAP version 1
                1..1
                    KTAP version 1
                    # Subtest: suite
                    1..1
                    ok 1 only
                # suite: initialisation failed
                not ok 1 suite
                """);
        EngineExecutionResults results = TestKit.run(Fixture.class);

        assertThat(outcomes(results)).containsExactly("container suite SUCCESSFUL", "test only SUCCESSFUL",
                "test suite (suite result) FAILED");
        assertThat(failure(results, "suite (suite result)").getMessage())
                .startsWith("KTAP: not ok 1 suite\n\nIts diagnostic lines:\n  | # suite: initialisation failed");
    }

    @Test
    void aConsoleWithoutKtapFailsOneTestThatSaysSo() {
        Fixture.console = Console.of("Linux version 6.1.0\nRun /init as init process\n");
        EngineExecutionResults results = TestKit.run(Fixture.class);

        assertThat(outcomes(results)).containsExactly("test KTAP FAILED");
        assertThat(failure(results, "KTAP").getMessage()).startsWith("KTAP: no version line (\"KTAP version 1\" or"
                + " \"TAP version 13\") on the console; the time ran out. A kernel booted with `quiet` prints"
                + " KUnit's results only with `loglevel=7` after it.");
    }

    @Test
    void handsOutEachResultAsItIsPrintedAndCrashesWhatIsOpenWhenTheTimeIsUp() {
        RunningConsole console = new RunningConsole("boot\n");
        Iterator<DynamicNode> suites = KtapTests.of(console, Duration.ofSeconds(2)).iterator();

        console.print("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: suite\n    1..2\n");
        DynamicNode suite = suites.next();
        assertThat(suite.getDisplayName()).isEqualTo("suite");
        Iterator<? extends DynamicNode> cases = ((DynamicContainer) suite).getChildren().iterator();
        console.print("    ok 1 first\n");
        assertThat(cases.next().getDisplayName()).isEqualTo("first");

        // Nothing more comes: after the time is up the second case crashed.
        long start = System.nanoTime();
        DynamicNode second = cases.next();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(second.getDisplayName()).isEqualTo("#2");
        assertThat(catchThrowable(((DynamicTest) second).getExecutable()::execute)).hasMessageStartingWith("KTAP: #2 crashed: no result line: no KTAP result within 2.0 s"
                        + " (the guest still runs)");
        assertThat(cases.hasNext()).isFalse();
        assertThat(suites.hasNext()).isFalse();
    }

    /** The dynamic nodes in the order they started, each with how it finished. */
    static List<String> outcomes(EngineExecutionResults results) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        results.allEvents().stream()
                .filter(e -> e.getTestDescriptor().getUniqueId().toString().contains("dynamic-"))
                .forEach(e -> {
                    TestDescriptor node = e.getTestDescriptor();
                    String key = node.getUniqueId().toString();
                    if (e.getType() == EventType.STARTED) {
                        outcomes.put(key, (node.isContainer() ? "container " : "test ") + node.getDisplayName());
                    } else if (e.getType() == EventType.FINISHED) {
                        outcomes.computeIfPresent(key, (k, v) -> v + " "
                                + e.getRequiredPayload(TestExecutionResult.class).getStatus());
                    }
                });
        return List.copyOf(outcomes.values());
    }

    private static Throwable failure(EngineExecutionResults results, String displayName) {
        return results.allEvents().stream()
                .filter(e -> e.getType() == EventType.FINISHED)
                .filter(e -> e.getTestDescriptor().getDisplayName().equals(displayName))
                .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow())
                .findFirst().orElseThrow();
    }

    @TestKitOnly
    static class Fixture {

        static Console console;

        @TestFactory
        Stream<DynamicNode> kunit() {
            return KtapTests.of(console, Duration.ofSeconds(5));
        }
    }
}
