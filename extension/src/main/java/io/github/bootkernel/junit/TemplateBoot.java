package io.github.bootkernel.junit;

import io.github.bootkernel.engine.BootPhases;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.Snapshot;
import io.github.bootkernel.engine.console.Console;
import io.github.bootkernel.engine.report.KernelReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A template guest of {@link BootKernel#fromSnapshot()} that reached its ready line and was
 * snapshotted: the snapshot its clones restore, and what the failure report says of it (its
 * configuration, when it was taken, how long the boot took, its boot console). The source machine is
 * closed once the snapshot is taken; its console and kernel reports stay readable. Closing this
 * closes the snapshot (clones still running keep its memory until they close).
 */
final class TemplateBoot implements AutoCloseable {

    private final int number;
    private final String kernelName;
    private final TemplateKey key;
    private final String bootedFor;
    private final Snapshot snapshot;
    private final Machine source;
    private final Instant takenAt;
    private final Duration bootTime;
    private final Duration snapshotTime;
    /** The boot console's file, once written; guarded by this. */
    private Path consoleFile;

    TemplateBoot(int number, String kernelName, TemplateKey key, String bootedFor, Snapshot snapshot, Machine source,
                 Instant takenAt, Duration bootTime, Duration snapshotTime) {
        this.number = number;
        this.kernelName = kernelName;
        this.key = key;
        this.bootedFor = bootedFor;
        this.snapshot = snapshot;
        this.source = source;
        this.takenAt = takenAt;
        this.bootTime = bootTime;
        this.snapshotTime = snapshotTime;
    }

    /** @return the template's number in this JVM, from 1 */
    int number() {
        return number;
    }

    /** @return the snapshot every clone restores */
    Snapshot snapshot() {
        return snapshot;
    }

    /**
     * The kernel reports the template printed while it booted: every clone carries them in its
     * {@link Guest#kernelReports()}, since its kernel went through that boot.
     */
    List<KernelReport> reports() {
        return source.kernelReports();
    }

    /** @return {@code template 1 (kernel probe)} */
    String name() {
        return name(number, kernelName);
    }

    static String name(int number, String kernelName) {
        return "template " + number + " (kernel " + kernelName + ")";
    }

    /**
     * The lines of a clone's failure report that describe its template, each ending in a newline.
     *
     * @param reportDir where the template's boot console is written, once, if it is not yet
     */
    String describe(Path reportDir) {
        String file;
        try {
            file = consoleFile(reportDir).toAbsolutePath().toString();
        } catch (UncheckedIOException e) {
            file = "not written: " + e.getCause();
        }
        return "clone:   of " + name() + ": " + snapshot + ", booted once for "
                + bootedFor + "\n"
                + "template: " + key.describe() + "\n"
                + "taken:   " + takenAt + ", after a boot of " + seconds(bootTime) + " to the ready line ("
                + source.bootPhases() + "); the snapshot took " + seconds(snapshotTime) + "\n"
                + "template console: " + file + "\n";
    }

    /** @return for the report entry of the test that booted it: the figures and the configuration */
    String summary() {
        return name() + ": booted for " + bootedFor + " to its ready line in " + seconds(bootTime) + " ("
                + source.bootPhases() + "), " + snapshot + " taken in " + seconds(snapshotTime) + "; "
                + key.describe();
    }

    /**
     * Writes the template's boot console to {@code <reportDir>/templates/} the first time it is
     * asked for, and returns the file.
     *
     * @throws UncheckedIOException if it cannot be written
     */
    synchronized Path consoleFile(Path reportDir) {
        if (consoleFile == null) {
            consoleFile = write(reportDir, number, kernelName, header(), source.console());
        }
        return consoleFile;
    }

    private String header() {
        return "# " + name() + ", booted once for " + bootedFor + "\n# " + key.describe() + "\n# snapshot: " + snapshot
                + ", taken " + takenAt + " after a boot of " + seconds(bootTime) + "\n# phases: " + source.bootPhases()
                + "\n";
    }

    /**
     * Writes a template's console, after a header, to {@code <reportDir>/templates/template-N-<kernel>.log}.
     *
     * @throws UncheckedIOException if it cannot be written
     */
    static Path write(Path reportDir, int number, String kernelName, String header, Console console) {
        Path file = reportDir.resolve("templates")
                .resolve(("template-" + number + "-" + kernelName).replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
        StringBuilder text = new StringBuilder(header);
        long dropped = console.droppedLines();
        text.append("=== console").append(dropped > 0 ? " (the first " + dropped + " lines were dropped)" : "")
                .append(":\n").append(console.text());
        if (text.charAt(text.length() - 1) != '\n') {
            text.append('\n');
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f s", d.toNanos() / 1e9);
    }

    /** Closes the snapshot; clones keep their memory until they close. Idempotent. */
    @Override
    public void close() {
        snapshot.close();
    }
}
