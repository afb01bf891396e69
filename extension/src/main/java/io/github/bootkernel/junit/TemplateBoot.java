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
import java.util.Optional;

/**
 * A template guest of {@link BootKernel#fromSnapshot()} that reached its ready line and was
 * snapshotted, in this JVM or, loaded from the {@link SnapshotCache}, in an earlier one: the
 * snapshot its clones restore, and what the failure report says of it (its configuration, when it
 * was taken, how long the boot took, its boot console: the {@link TemplateRecord}). A booted
 * template's source machine is closed once the snapshot is taken; its kernel reports stay
 * readable. Closing this closes the snapshot (clones still running keep its memory until they
 * close).
 */
final class TemplateBoot implements AutoCloseable {

    private final int number;
    private final String kernelName;
    private final TemplateKey key;
    private final Snapshot snapshot;
    private final TemplateRecord record;
    private final List<KernelReport> reports;
    /** The cache file it was loaded from; null for a template booted in this JVM. */
    private final Path loadedFrom;
    private final Duration loadTime;
    /** What became of the cache entry after the boot, in words for the report entry; empty if nothing. */
    private final String saved;
    /** The boot console's file, once written; guarded by this. */
    private Path consoleFile;

    private TemplateBoot(int number, String kernelName, TemplateKey key, Snapshot snapshot, TemplateRecord record,
                         List<KernelReport> reports, Path loadedFrom, Duration loadTime, String saved) {
        this.number = number;
        this.kernelName = kernelName;
        this.key = key;
        this.snapshot = snapshot;
        this.record = record;
        this.reports = List.copyOf(reports);
        this.loadedFrom = loadedFrom;
        this.loadTime = loadTime;
        this.saved = saved;
    }

    /**
     * A template booted in this JVM.
     *
     * @param source the closed source machine: its console, phases and kernel reports are read
     * @param saved what became of its cache entry, in words (empty: nothing to say)
     */
    static TemplateBoot booted(int number, String kernelName, TemplateKey key, Snapshot snapshot, Machine source,
                               TemplateRecord record, String saved) {
        return new TemplateBoot(number, kernelName, key, snapshot, record, source.kernelReports(), null, null, saved);
    }

    /**
     * A template loaded from a cache file: its boot printed no kernel reports (one that did is not
     * saved).
     */
    static TemplateBoot loaded(int number, String kernelName, TemplateKey key, Snapshot snapshot,
                               TemplateRecord record, Path file, Duration loadTime) {
        return new TemplateBoot(number, kernelName, key, snapshot, record, List.of(), file, loadTime, "");
    }

    /**
     * What a boot in this JVM leaves for the report and the cache.
     *
     * @param source the source machine, after its snapshot
     */
    static TemplateRecord record(Machine source, TemplateKey key, String bootedFor, Instant takenAt,
                                 Duration bootTime, Duration snapshotTime) {
        Console console = source.console();
        return new TemplateRecord(bootedFor, key.describe(), takenAt, bootTime, snapshotTime,
                source.bootPhases().toString(), console.text(), console.droppedLines());
    }

    /** @return the template's number in this JVM, from 1 */
    int number() {
        return number;
    }

    /** @return the snapshot every clone restores */
    Snapshot snapshot() {
        return snapshot;
    }

    /** @return the cache file this template was loaded from; empty if it booted in this JVM */
    Optional<Path> loadedFrom() {
        return Optional.ofNullable(loadedFrom);
    }

    /**
     * The kernel reports the template printed while it booted: every clone carries them in its
     * {@link Guest#kernelReports()}, since its kernel went through that boot. None for a template
     * loaded from a file.
     */
    List<KernelReport> reports() {
        return reports;
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
        String clone = loadedFrom == null
                ? "clone:   of " + name() + ": " + snapshot + ", booted once for " + record.bootedFor() + "\n"
                // The snapshot's own words name its file: "snapshot 3 of bzImage (1 vCPU, 256 MiB, loaded from <file>)".
                : "clone:   of " + name() + ": " + snapshot + ", loaded in " + seconds(loadTime) + " from the snapshot"
                        + " cache; its boot was for " + record.bootedFor() + "\n";
        return clone
                + "template: " + key.describe() + "\n"
                + "taken:   " + record.takenAt() + ", after a boot of " + seconds(record.bootTime())
                + " to the ready line (" + record.phases() + "); the snapshot took " + seconds(record.snapshotTime())
                + (loadedFrom == null ? "" : "; saved to the cache then, by an earlier run") + "\n"
                + "template console: " + file + (loadedFrom == null ? "" : " (from the cache entry)") + "\n";
    }

    /** @return for the report entry of the test that booted or loaded it: the figures and the configuration */
    String summary() {
        if (loadedFrom != null) {
            return name() + ": no boot, loaded from the snapshot cache in " + seconds(loadTime) + ": " + snapshot
                    + ", taken " + record.takenAt() + " after a boot of " + seconds(record.bootTime())
                    + " for " + record.bootedFor() + "; " + key.describe();
        }
        return name() + ": booted for " + record.bootedFor() + " to its ready line in " + seconds(record.bootTime())
                + " (" + record.phases() + "), " + snapshot + " taken in " + seconds(record.snapshotTime()) + "; "
                + key.describe() + (saved.isEmpty() ? "" : "; " + saved);
    }

    /**
     * Writes the template's boot console to {@code <reportDir>/templates/} the first time it is
     * asked for, and returns the file.
     *
     * @throws UncheckedIOException if it cannot be written
     */
    synchronized Path consoleFile(Path reportDir) {
        if (consoleFile == null) {
            consoleFile = write(reportDir, number, kernelName, header(), record.console(), record.droppedLines());
        }
        return consoleFile;
    }

    private String header() {
        return "# " + name() + ", booted once for " + record.bootedFor() + "\n# " + key.describe() + "\n# snapshot: "
                + snapshot + ", taken " + record.takenAt() + " after a boot of " + seconds(record.bootTime())
                + (loadedFrom == null ? "" : "\n# loaded from the cache file " + loadedFrom + "; this console is"
                        + " the one its boot saved there")
                + "\n# phases: " + record.phases() + "\n";
    }

    /**
     * Writes a template's console, after a header, to
     * {@code <reportDir>/templates/template-<pid>-N-<kernel>.log}: the JVM's process id keeps apart
     * the files of Surefire forks and successive runs sharing one report directory, whose
     * templates are each numbered from 1.
     *
     * @throws UncheckedIOException if it cannot be written
     */
    static Path write(Path reportDir, int number, String kernelName, String header, Console console) {
        return write(reportDir, number, kernelName, header, console.text(), console.droppedLines());
    }

    /**
     * Writes a template's console text, after a header, as {@link #write(Path, int, String, String, Console)}.
     *
     * @param dropped the console lines dropped before {@code console}
     */
    static Path write(Path reportDir, int number, String kernelName, String header, String console, long dropped) {
        Path file = reportDir.resolve("templates")
                .resolve(("template-" + ProcessHandle.current().pid() + "-" + number + "-" + kernelName)
                        .replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
        StringBuilder text = new StringBuilder(header);
        text.append("=== console").append(dropped > 0 ? " (the first " + dropped + " lines were dropped)" : "")
                .append(":\n").append(console);
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
