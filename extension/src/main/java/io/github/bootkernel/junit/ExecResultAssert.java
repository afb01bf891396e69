package io.github.bootkernel.junit;

import io.github.bootkernel.engine.agent.ExecResult;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.api.Assertions;

/**
 * Assertions on how a command run in a guest ended and what it printed; get one with
 * {@link GuestAssertions#assertThat(ExecResult)}.
 *
 * <pre>{@code
 * assertThat(guest.sh("echo out; echo err >&2; exit 7"))
 *         .exitedWith(7)
 *         .stdout().isEqualTo("out\n");
 * }</pre>
 *
 * <p>Every failure message names the command and how it ended, shows the last
 * {@value ExecReport#LINES} lines of its standard output and error, and, for a result that came
 * from {@link Guest#exec(String...)} or its siblings, ends with the guest's last
 * {@value ConsoleTail#LINES} console lines (kernel messages often say why a command failed).
 */
public final class ExecResultAssert extends AbstractAssert<ExecResultAssert, ExecResult> {

    private final Optional<Guest> guest;

    /**
     * Starts assertions on a result; prefer {@link GuestAssertions#assertThat(ExecResult)}.
     *
     * @param actual the result, may be null (the assertions then fail)
     */
    public ExecResultAssert(ExecResult actual) {
        super(actual, ExecResultAssert.class);
        this.guest = actual == null ? Optional.empty() : ExecOrigins.guestOf(actual);
    }

    /**
     * Verifies that the command exited with status 0 within its time limit.
     *
     * <pre>{@code
     * assertThat(guest.sh("true")).succeeds();      // passes
     * assertThat(guest.sh("exit 3")).succeeds();    // fails: "but it exited with status 3 after 4 ms"
     * }</pre>
     *
     * @return this assertion
     */
    public ExecResultAssert succeeds() {
        isNotNull();
        if (!actual.succeeded()) {
            fail("to succeed (exit status 0)");
        }
        return this;
    }

    /**
     * Verifies that the command exited with a status.
     *
     * <pre>{@code
     * assertThat(guest.sh("exit 7")).exitedWith(7);           // passes
     * assertThat(guest.sh("kill -9 $$")).exitedWith(137);     // fails: it was killed by signal 9, it did not exit
     * }</pre>
     *
     * @param status the expected status, 0 to 255
     * @return this assertion
     */
    public ExecResultAssert exitedWith(int status) {
        isNotNull();
        if (actual.exitCode().isEmpty() || actual.exitCode().getAsInt() != status || actual.timedOut()) {
            fail("to exit with status " + status);
        }
        return this;
    }

    /**
     * Verifies that a signal killed the command, other than the host's kill at its time limit
     * (see {@link #timedOut()}).
     *
     * <pre>{@code
     * assertThat(guest.sh("kill -TERM $$")).wasKilledBy(15);   // passes
     * assertThat(guest.sh("exit 143")).wasKilledBy(15);        // fails: it exited with status 143
     * }</pre>
     *
     * @param signal the expected Linux signal number, for example 9 (SIGKILL) or 15 (SIGTERM)
     * @return this assertion
     */
    public ExecResultAssert wasKilledBy(int signal) {
        isNotNull();
        if (actual.signal().isEmpty() || actual.signal().getAsInt() != signal || actual.timedOut()) {
            fail("to be killed by " + ExecReport.signal(signal));
        }
        return this;
    }

    /**
     * Verifies that the command outlived its time limit, so that the host killed it.
     *
     * <pre>{@code
     * assertThat(guest.exec(Exec.of("sleep", "60").timeout(Duration.ofSeconds(1)))).timedOut();   // passes
     * assertThat(guest.exec("true")).timedOut();    // fails: it exited with status 0
     * }</pre>
     *
     * @return this assertion
     */
    public ExecResultAssert timedOut() {
        isNotNull();
        if (!actual.timedOut()) {
            fail("to reach its time limit of " + ConsoleAssert.human(actual.exec().timeout()));
        }
        return this;
    }

    /**
     * Starts a string assertion on the standard output, decoded as UTF-8; its description names
     * the command and how it ended.
     *
     * <pre>{@code
     * assertThat(guest.exec("uname", "-s")).succeeds().stdout().isEqualTo("Linux\n");
     * }</pre>
     *
     * @return an AssertJ assertion on {@link ExecResult#stdout()}
     */
    public AbstractStringAssert<?> stdout() {
        isNotNull();
        return Assertions.assertThat(actual.stdout())
                .as("stdout of %s, which %s", actual.exec(), ExecReport.end(actual));
    }

    /**
     * Starts a string assertion on the standard error, decoded as UTF-8; its description names
     * the command and how it ended.
     *
     * <pre>{@code
     * assertThat(guest.sh("ls /nope")).exitedWith(1).stderr().contains("No such file or directory");
     * }</pre>
     *
     * @return an AssertJ assertion on {@link ExecResult#stderr()}
     */
    public AbstractStringAssert<?> stderr() {
        isNotNull();
        return Assertions.assertThat(actual.stderr())
                .as("stderr of %s, which %s", actual.exec(), ExecReport.end(actual));
    }

    private void fail(String expectation) {
        String message = "Expecting " + actual.exec() + " " + expectation + ", but it " + ExecReport.end(actual)
                + ".\n\n" + ExecReport.streams(actual);
        if (guest.isPresent()) {
            message = ConsoleTail.append(message + "\n\nIn " + guest.get() + ".", guest.get().console());
        }
        throw failure("%s", message);
    }
}
