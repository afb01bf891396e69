package io.github.bootkernel.junit;

import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.engine.console.Console;
import io.github.bootkernel.engine.kmsg.KernelLog;

/**
 * Entry point of the AssertJ assertions on guests and their consoles. Import it statically next
 * to AssertJ's own {@code assertThat}; the overloads here are the more specific ones, so both
 * imports work together:
 *
 * <pre>{@code
 * import static io.github.bootkernel.junit.GuestAssertions.assertThat;
 * import static org.assertj.core.api.Assertions.assertThat;
 *
 * assertThat(guest.console()).emitsWithin(Duration.ofSeconds(30), "init: ready");
 * assertThat(guest.console()).doesNotContainPanic();
 * assertThat(guest.console()).emitsWithin(Duration.ofSeconds(30), "^Linux version ").contains("6.1");
 * assertThat(guest).endsWithin(Duration.ofSeconds(10)).exitedWith(0);
 * assertThat(guest.kernelName()).isEqualTo("debian-cloud");
 * assertThat(guest.exec("uname", "-r")).succeeds().stdout().startsWith("6.");
 * assertThat(guest.kernelLog()).atLevel(4).doesNotContainMessage("mydriver");
 * }</pre>
 *
 * <p>Every failure message ends with the last 30 console lines (for a command's result, after the
 * tails of its output; for a kernel log, its last 20 records instead).
 */
public final class GuestAssertions {

    private GuestAssertions() {
    }

    /**
     * Starts assertions on a console.
     *
     * @param actual the console, usually {@link Guest#console()}
     * @return the assertion
     */
    public static ConsoleAssert assertThat(Console actual) {
        return new ConsoleAssert(actual);
    }

    /**
     * Starts assertions on a guest's end.
     *
     * @param actual the guest
     * @return the assertion
     */
    public static GuestAssert assertThat(Guest actual) {
        return new GuestAssert(actual);
    }

    /**
     * Starts assertions on a kernel log.
     *
     * @param actual the log, usually {@link Guest#kernelLog()}
     * @return the assertion
     */
    public static KernelLogAssert assertThat(KernelLog actual) {
        return new KernelLogAssert(actual);
    }

    /**
     * Starts assertions on how a command ended and what it printed.
     *
     * @param actual the result, usually of {@link Guest#exec(String...)} or {@link Guest#sh(String)}
     * @return the assertion
     */
    public static ExecResultAssert assertThat(ExecResult actual) {
        return new ExecResultAssert(actual);
    }
}
