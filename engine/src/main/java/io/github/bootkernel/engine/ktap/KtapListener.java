package io.github.bootkernel.engine.ktap;

import java.util.OptionalInt;

/**
 * Told of a KTAP run's tests as a {@link KtapParser} meets them, on the thread that feeds the
 * parser. Events nest like the tests: a test with subtests is {@linkplain #started started}, then
 * each subtest is started (if it has subtests of its own) or only {@linkplain #finished finished},
 * then the test itself is finished. A test case is only finished. Depth 0 is a run (the top level,
 * the version line's document), depth 1 its tests (KUnit's suites), depth 2 theirs (KUnit's test
 * cases), and so on.
 */
public interface KtapListener {

    /**
     * A test with subtests began: its header (version line, {@code # Subtest:} line, plan) is
     * complete.
     *
     * @param depth 0 for a run, 1 for its tests, and so on
     * @param number its number within its parent, as the next result line should give it (1 for
     *     the first); 0 for a run
     * @param name the {@code # Subtest:} header's name; empty without one (then the name comes
     *     with its result line)
     * @param plan the count of subtests its plan line announced, if one came
     */
    default void started(int depth, int number, String name, OptionalInt plan) {
    }

    /**
     * A test's result is known: its result line came, or it {@linkplain KtapTest.Result#CRASHED
     * crashed}; for a run, its plan is complete or the input ended.
     *
     * @param depth as for {@link #started}
     * @param test the test with its result, subtests and diagnostics
     */
    default void finished(int depth, KtapTest test) {
    }
}
