package io.github.bootkernel.junit;

import io.github.bootkernel.engine.console.Console;
import io.github.bootkernel.engine.ktap.KtapTest;
import io.github.bootkernel.engine.ktap.KtapTest.Directive;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Turns one KTAP result into a JUnit outcome: returns, fails or aborts, with the kernel's words. */
final class KtapVerdict {

    private KtapVerdict() {
    }

    /**
     * Passes, fails or aborts as {@code test}'s result says.
     *
     * @param test the KTAP test
     * @param console its guest's console, whose tail a failure shows
     * @throws AssertionFailedError if the test failed or crashed
     * @throws TestAbortedException if it was skipped or is a TODO
     */
    static void check(KtapTest test, Console console) {
        switch (test.result()) {
            case PASSED -> {
            }
            case SKIPPED -> throw new TestAbortedException("KTAP: skipped" + reason(test));
            case TODO -> throw new TestAbortedException("KTAP: not ok, TODO" + reason(test));
            case FAILED -> throw new AssertionFailedError(message(test, "KTAP: not ok " + test.number() + " "
                    + test.name() + (test.directive() == Directive.NONE ? "" : " # " + test.directive()) + reason(test),
                    console));
            case CRASHED -> throw new AssertionFailedError(message(test, "KTAP: " + test.label()
                    + " crashed: " + test.reason(), console));
        }
    }

    /**
     * Fails because the console held no KTAP.
     *
     * @param console the console
     * @throws AssertionFailedError always
     */
    static void noKtap(Console console) {
        throw new AssertionFailedError(ConsoleTail.append("KTAP: no version line (\"KTAP version 1\" or"
                + " \"TAP version 13\") on the console; "
                + console.endReason().map(r -> "the guest ended (" + r + ")").orElse("the time ran out")
                + ". A kernel booted with `quiet` prints KUnit's results only with `loglevel=7` after it.", console));
    }

    private static String reason(KtapTest test) {
        return test.reason().isEmpty() ? "" : ": " + test.reason();
    }

    private static String message(KtapTest test, String headline, Console console) {
        StringBuilder out = new StringBuilder(headline);
        if (!test.diagnostics().isEmpty()) {
            out.append("\n\nIts diagnostic lines:");
            test.diagnostics().forEach(line -> out.append("\n  | ").append(line));
        }
        test.problems().forEach(problem -> out.append("\n(malformed KTAP: ").append(problem).append(')'));
        return ConsoleTail.append(out.toString(), console);
    }
}
