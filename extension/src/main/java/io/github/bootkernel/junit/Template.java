package io.github.bootkernel.junit;

import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.Snapshot;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The template guest of one configuration ({@link TemplateKey}) for {@link BootKernel#fromSnapshot()}:
 * booted once per launcher run, by the first declaration that asks for it, to its ready line, and
 * snapshotted there; every declaration with the same key then gets a clone of that snapshot. Kept in
 * the root context's store, which closes it (and so the snapshot and its memory file) when the run
 * ends.
 *
 * <p>Concurrent declarations boot it once: the first boots it on its own thread, the others wait
 * for that boot, at most its {@code bootTimeout} plus {@link #SNAPSHOT_GRACE} from its start
 * ({@link BootOnce}). A boot that fails (the ready line did not come in time, the guest ended first,
 * the machine or the snapshot failed) fails every declaration that asks for this template, with
 * that reason, the template's console tail and the file holding its whole console, and is not
 * tried again; a boot whose thread was interrupted is tried again by the next declaration.
 */
final class Template implements AutoCloseable {

    /**
     * What a waiting declaration allows the boot beyond its {@code bootTimeout}: starting the
     * machine, pausing it (up to 5 s), copying its RAM, closing the source (up to 5 s).
     */
    static final Duration SNAPSHOT_GRACE = Duration.ofSeconds(60);

    private static final AtomicInteger NUMBERS = new AtomicInteger();

    private final TemplateKey key;
    private final BootOnce<TemplateBoot> once = new BootOnce<>();

    private Template(TemplateKey key) {
        this.key = key;
    }

    /** The template of {@code key} for this launcher run, created (not booted) on first use. */
    static Template of(ExtensionContext context, TemplateKey key) {
        return context.getRoot().getStore(Guests.NAMESPACE).computeIfAbsent(key, k -> new Template(key), Template.class);
    }

    /**
     * Returns the booted template, booting it on this thread if no declaration did.
     *
     * @param context the declaration's context: the report entry {@code bootkernel.template} of the
     *     boot goes there, the console of a failed boot to its report directory
     * @param config the template's configuration (its time limits are this declaration's)
     * @param start starts the machine, as for a guest of this declaration (its exceptions typed)
     * @param ready the ready line: the snapshot's instant
     * @param bootTimeout how long to wait for it
     * @param declaration the declaration asking, in words
     * @param kernelName the kernel's short name
     * @throws AssertionFailedError if the template did not reach its ready line (now or in an
     *     earlier declaration's boot), or another declaration's boot did not finish in time
     * @throws ExtensionConfigurationException as the start of a machine throws it for this
     *     configuration (now or earlier), and {@link TestAbortedException} and
     *     {@link IllegalStateException} likewise
     */
    TemplateBoot booted(ExtensionContext context, MachineConfig config, Supplier<Machine> start, Pattern ready,
                        Duration bootTimeout, String declaration, String kernelName) {
        try {
            return once.get(() -> boot(context, config, start, ready, bootTimeout, declaration, kernelName),
                    "the template's boot for " + declaration, bootTimeout.plus(SNAPSHOT_GRACE));
        } catch (BootOnce.Refused refused) {
            Throwable failure = refusal(refused, declaration);
            if (failure instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) failure;
        }
    }

    private TemplateBoot boot(ExtensionContext context, MachineConfig config, Supplier<Machine> start, Pattern ready,
                              Duration bootTimeout, String declaration, String kernelName) {
        int number = NUMBERS.incrementAndGet();
        String name = TemplateBoot.name(number, kernelName);
        long started = System.nanoTime();
        Machine machine = start.get();
        Snapshot snapshot = null;
        try {
            Optional<String> line;
            try {
                line = machine.console().awaitLine(ready, bootTimeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionFailedError(ConsoleTail.append("interrupted while " + name + " was booting for "
                        + declaration + ", waiting for a line matching /" + ready + "/", machine.console()), e);
            }
            if (line.isEmpty()) {
                String message = MissedLine.message(name + ", the template booted once for every clone of its"
                        + " configuration (" + key.describe() + "), did not boot (bootTimeout): expecting", ready,
                        bootTimeout, machine.console(), machine.exit());
                throw new AssertionFailedError(message + "\n\n" + consoleFile(context, number, kernelName, declaration,
                        machine));
            }
            Duration bootTime = Duration.ofNanos(System.nanoTime() - started);
            long snapshotStarted = System.nanoTime();
            try {
                snapshot = machine.snapshot();
            } catch (RuntimeException e) {
                throw new IllegalStateException("snapshotting " + name + " at its ready line for " + declaration
                        + " failed: " + e.getMessage(), e);
            }
            Instant takenAt = Instant.now();
            Duration snapshotTime = Duration.ofNanos(System.nanoTime() - snapshotStarted);
            machine.close();
            TemplateBoot boot = new TemplateBoot(number, kernelName, key, declaration, snapshot, machine, takenAt,
                    bootTime, snapshotTime);
            context.publishReportEntry("bootkernel.template", boot.summary());
            return boot;
        } catch (RuntimeException | Error e) {
            if (snapshot != null) {
                snapshot.close();
            }
            try {
                machine.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Writes a failed template's console and says where, or why it could not. */
    private String consoleFile(ExtensionContext context, int number, String kernelName, String declaration,
                               Machine machine) {
        try {
            Path file = TemplateBoot.write(Settings.reportDir(context), number, kernelName, "# "
                    + TemplateBoot.name(number, kernelName) + ", booted for " + declaration + ", failed\n# "
                    + key.describe() + "\n# end: " + machine.exit().map(Object::toString).orElse("still running")
                    + "\n# phases: " + machine.bootPhases() + "\n", machine.console());
            return "The template's whole console: " + file.toAbsolutePath();
        } catch (UncheckedIOException e) {
            return "The template's console could not be written: " + e.getMessage();
        }
    }

    /**
     * The failure of a declaration that got no template (a RuntimeException or an Error): its own
     * boot's exception as it was; else
     * one of the same kind that says the template is a clone source that failed once and is not
     * booted again, with the reason.
     */
    private static Throwable refusal(BootOnce.Refused refused, String declaration) {
        Throwable cause = refused.getCause();
        if (refused.ownBuild() && (cause instanceof RuntimeException || cause instanceof Error)) {
            return cause;
        }
        if (cause == null) {
            if (Thread.currentThread().isInterrupted()) {
                return new IllegalStateException("the test thread was interrupted while " + declaration
                        + " waited for its template guest: " + refused.getMessage(), refused);
            }
            return new AssertionFailedError(declaration + " got no template guest to clone: " + refused.getMessage(),
                    refused);
        }
        String message = declaration + " is a clone of a template guest whose boot failed earlier in this run; it is"
                + " not booted again: " + cause.getMessage();
        if (cause instanceof ExtensionConfigurationException) {
            return new ExtensionConfigurationException(message, cause);
        }
        if (cause instanceof TestAbortedException) {
            return new TestAbortedException(message, cause);
        }
        if (cause instanceof AssertionError) {
            return new AssertionFailedError(message, cause);
        }
        return new IllegalStateException(message, cause);
    }

    /** Closes the template's snapshot, if it was taken; clones still running keep their memory. */
    @Override
    public void close() {
        once.close();
    }
}
