package io.github.bootkernel.engine.ktap;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One test of a KTAP run with its result: a test case, or a test with subtests (a KUnit suite, or
 * the run itself). Immutable.
 *
 * <p>Terms are those of the kernel's {@code Documentation/dev-tools/ktap.rst}: a result line is
 * {@code <ok|not ok> <number> [<description>][ # [<directive>] [<diagnostic data>]]}; diagnostic
 * lines ({@code # ...}) and unknown lines that come before a result line belong to that test.
 *
 * @param number the test's number within its parent, from 1; 0 for a run (the top level, which
 *     has no result line) and when a result line gave none
 * @param name the description of the result line, or the {@code # Subtest:} header's name
 *     before the result came; empty when neither gave one (a test that crashed before its result
 *     line, or a run)
 * @param result the outcome
 * @param directive the directive of the result line, {@link Directive#NONE} without one
 * @param reason the text after the directive (a skip's reason, a timeout's duration), or the
 *     diagnostic data after {@code #} when there is no directive, or why a {@link Result#CRASHED}
 *     test has no result; empty when there is none
 * @param diagnostics the lines that belong to the test, prefix stripped, in console order: at most
 *     {@value KtapParser#MAX_DIAGNOSTICS} (then a last line says how many more came)
 * @param subtests the nested tests, in order; empty for a test case
 * @param plan the count a plan line ({@code 1..N}) announced for the subtests, if one came
 * @param problems what was malformed about this test's lines (a wrong number, more subtests than
 *     planned), in words; the result is still taken as printed
 */
public record KtapTest(int number, String name, Result result, Directive directive, String reason,
        List<String> diagnostics, List<KtapTest> subtests, OptionalInt plan, List<String> problems) {

    /**
     * How a test ended. Named as {@code kunit.py} prints them, with {@link #TODO} added from TAP.
     */
    public enum Result {
        /** {@code ok} without a SKIP directive, or a result with a TODO directive that says {@code ok}. */
        PASSED,
        /** {@code not ok} without a SKIP or TODO directive. */
        FAILED,
        /** A SKIP directive, after {@code ok} or {@code not ok}. */
        SKIPPED,
        /** {@code not ok} with a TODO directive: an expected failure (TAP version 13). */
        TODO,
        /**
         * No result line came: the input ended first (the kernel crashed or hung), the next test
         * at an outer level began, or the parent's plan promised more tests than came; also a test
         * with subtests when one of its subtests crashed, as {@code kunit.py} reports it.
         */
        CRASHED
    }

    /** The directives of ktap.rst ("Test case result lines"), with TAP's TODO. */
    public enum Directive {
        /** No directive. */
        NONE,
        /** The test was skipped; the reason follows. */
        SKIP,
        /** TAP's "not expected to pass yet". */
        TODO,
        /** Expected to fail (kselftest). */
        XFAIL,
        /** The test timed out. */
        TIMEOUT,
        /** The test could not run because of an error. */
        ERROR
    }

    /**
     * Checks and copies the lists.
     *
     * @throws NullPointerException if an argument or a list element is null
     * @throws IllegalArgumentException if {@code number} is negative
     */
    public KtapTest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(directive, "directive");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(plan, "plan");
        diagnostics = List.copyOf(diagnostics);
        subtests = List.copyOf(subtests);
        problems = List.copyOf(problems);
        if (number < 0) {
            throw new IllegalArgumentException("number " + number + " < 0");
        }
    }

    /**
     * Tells whether this test has subtests, or announced some with a plan.
     *
     * @return {@code true} for a suite or a run, {@code false} for a test case
     */
    public boolean hasSubtests() {
        return !subtests.isEmpty() || plan.isPresent();
    }

    /**
     * Returns the test cases under this test, depth first: this test itself if it has no
     * subtests.
     *
     * @return the leaves, in console order
     */
    public List<KtapTest> cases() {
        if (subtests.isEmpty()) {
            return List.of(this);
        }
        return subtests.stream().flatMap(t -> t.cases().stream()).toList();
    }

    /**
     * Returns the name, or {@code "#<number>"} when the name is empty, for display.
     *
     * @return a non-empty label
     */
    public String label() {
        return name.isEmpty() ? "#" + number : name;
    }
}
