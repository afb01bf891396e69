package io.github.bootkernel.junit;

import io.github.bootkernel.engine.KvmUnavailableException;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 *
 * <p>With the snapshot cache on ({@link Settings#snapshotCache}, the default), the template is
 * first looked for in the cache ({@link SnapshotCache}): a file saved by an earlier run or another
 * JVM is loaded instead of booting (the report entry {@code bootkernel.template} says from which
 * file, and how long the load took). On a miss the entry's lock ({@link EntryLock}) is taken, for
 * at most {@code bootTimeout} plus {@link #SNAPSHOT_GRACE}, so that JVMs missing it together boot
 * it once; then the template boots and is saved. A file that cannot be used (damaged, of another
 * format, host or configuration) is a warning ({@value #CACHE_ENTRY}, and the log), is deleted,
 * and the template boots and is saved anew; a failed save is a warning too. A template whose boot
 * printed kernel reports is not saved, so every run sees them from its own boot. The waiting
 * declarations' bound is doubled then: the lock's wait plus the boot.
 */
final class Template implements AutoCloseable {

    /**
     * What a waiting declaration allows the boot beyond its {@code bootTimeout}: starting the
     * machine, pausing it (up to 5 s), copying its RAM, closing the source (up to 5 s).
     */
    static final Duration SNAPSHOT_GRACE = Duration.ofSeconds(60);

    /** The report entry of a snapshot cache warning (a file not used, not saved). */
    static final String CACHE_ENTRY = "bootkernel.snapshotCache";

    private static final System.Logger LOG = System.getLogger(Template.class.getName());
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
        Duration bound = bootTimeout.plus(SNAPSHOT_GRACE);
        if (Settings.snapshotCacheOn(context)) {
            // Its boot may first wait as long for another JVM's boot of the same entry (EntryLock).
            bound = bound.multipliedBy(2);
        }
        try {
            return once.get(() -> boot(context, config, start, ready, bootTimeout, declaration, kernelName),
                    "the template's boot for " + declaration, bound);
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
        Optional<SnapshotCache.Entry> entry = cacheEntry(context, config);
        if (entry.isEmpty()) {
            return bootAndSnapshot(context, start, ready, bootTimeout, declaration, kernelName, number, null);
        }
        Optional<TemplateBoot> loaded = load(context, entry.get(), config, number, kernelName, declaration);
        if (loaded.isPresent()) {
            return loaded.get();
        }
        Optional<EntryLock> lock = lock(context, entry.get(), bootTimeout.plus(SNAPSHOT_GRACE), declaration);
        try {
            if (lock.isPresent()) {
                // Another JVM may have saved it while this one waited for the lock.
                loaded = load(context, entry.get(), config, number, kernelName, declaration);
                if (loaded.isPresent()) {
                    return loaded.get();
                }
            }
            return bootAndSnapshot(context, start, ready, bootTimeout, declaration, kernelName, number, entry.get());
        } finally {
            lock.ifPresent(EntryLock::close);
        }
    }

    /**
     * The cache entry of this template on this host, if the cache is on
     * ({@link Settings#snapshotCache}) and the host's identity can be read; a failure here is a
     * warning, and the template boots without the cache.
     */
    private Optional<SnapshotCache.Entry> cacheEntry(ExtensionContext context, MachineConfig config) {
        Optional<SnapshotCache> cache;
        try {
            cache = Settings.snapshotCache(context);
        } catch (UncheckedIOException e) {
            warn(context, "the snapshot cache cannot be used (" + e.getMessage() + "); the template boots", e);
            return Optional.empty();
        }
        if (cache.isEmpty()) {
            return Optional.empty();
        }
        String host;
        try {
            host = Snapshot.hostIdentity(config.kvmDevice());
        } catch (KvmUnavailableException e) {
            return Optional.empty(); // the boot says so, typed for JUnit
        } catch (RuntimeException e) {
            warn(context, "the snapshot cache in " + cache.get().dir() + " is not used: this host's identity cannot"
                    + " be read (" + e + "); the template boots", e);
            return Optional.empty();
        }
        return Optional.of(cache.get().entry(key, host));
    }

    /**
     * Loads the template from its cache entry: empty if there is none, or if it cannot be used (a
     * warning; a file that {@code Snapshot.load} refused is deleted, so the boot saves a new one).
     */
    private Optional<TemplateBoot> load(ExtensionContext context, SnapshotCache.Entry entry, MachineConfig config,
                                        int number, String kernelName, String declaration) {
        long started = System.nanoTime();
        Optional<SnapshotCache.Hit<Snapshot>> hit;
        try {
            hit = entry.load(file -> Snapshot.load(file, config));
        } catch (SnapshotCache.Unusable e) {
            warn(context, "the snapshot cache file " + e.file() + " cannot be used (" + e.reason() + "): "
                    + e.getMessage() + "; its entry is deleted and the template boots and is saved anew", e);
            entry.delete();
            return Optional.empty();
        } catch (KvmUnavailableException e) {
            throw KvmCheck.unusable(context, declaration, e);
        } catch (RuntimeException e) {
            warn(context, "the snapshot cache entry " + entry + " cannot be loaded (" + e + "); the template boots", e);
            return Optional.empty();
        }
        if (hit.isEmpty()) {
            return Optional.empty();
        }
        TemplateBoot boot = TemplateBoot.loaded(number, kernelName, key, hit.get().snapshot(), hit.get().record(),
                hit.get().file(), Duration.ofNanos(System.nanoTime() - started));
        announce(context, boot);
        return Optional.of(boot);
    }

    /**
     * Takes the entry's lock, so that JVMs missing it together boot it once; empty (boot anyway) if
     * another JVM held it for {@code bound} or it cannot be taken.
     */
    private static Optional<EntryLock> lock(ExtensionContext context, SnapshotCache.Entry entry, Duration bound,
                                            String declaration) {
        try {
            Files.createDirectories(entry.lockFile().getParent());
            Optional<EntryLock> lock = EntryLock.acquire(entry.lockFile(), bound);
            if (lock.isEmpty()) {
                warn(context, "the lock " + entry.lockFile() + " of the snapshot cache entry was held for "
                        + TemplateBoot.seconds(bound) + " (bootTimeout plus " + SNAPSHOT_GRACE.toSeconds()
                        + " s); the template boots without it", null);
            }
            return lock;
        } catch (IOException e) {
            warn(context, "cannot lock " + entry.lockFile() + " (" + e + "); the template boots without the lock", e);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + declaration + " waited for another JVM's boot of"
                    + " its template (the lock " + entry.lockFile() + ")", e);
        }
    }

    private TemplateBoot bootAndSnapshot(ExtensionContext context, Supplier<Machine> start, Pattern ready,
                                         Duration bootTimeout, String declaration, String kernelName, int number,
                                         SnapshotCache.Entry entry) {
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
            TemplateRecord record = TemplateBoot.record(machine, key, declaration, takenAt, bootTime, snapshotTime);
            String saved = entry == null ? "" : save(context, entry, snapshot, record, machine);
            TemplateBoot boot = TemplateBoot.booted(number, kernelName, key, snapshot, machine, record, saved);
            announce(context, boot);
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

    /**
     * Saves a booted template to its cache entry, then prunes the cache; a template whose boot
     * printed kernel reports is not saved (each run sees them from its own boot). Never fails:
     * a failure is a warning.
     *
     * @return what became of the entry, in words for the report entry
     */
    private static String save(ExtensionContext context, SnapshotCache.Entry entry, Snapshot snapshot,
                               TemplateRecord record, Machine source) {
        int reports = source.kernelReports().size();
        if (reports > 0) {
            return "not saved to the snapshot cache: its boot printed " + reports + " kernel report"
                    + (reports == 1 ? "" : "s") + ", which each run sees from its own boot";
        }
        long started = System.nanoTime();
        String saved;
        try {
            saved = entry.save(snapshot::save, record)
                    ? "saved to the cache file " + entry.snapshotFile() + " in "
                            + TemplateBoot.seconds(Duration.ofNanos(System.nanoTime() - started))
                    : "the cache entry " + entry + " was saved meanwhile by another run; this one was dropped";
        } catch (IOException | RuntimeException e) {
            warn(context, "the template could not be saved to the snapshot cache entry " + entry + " (" + e
                    + "); the next run boots it again", e);
            return "not saved to the snapshot cache: " + e;
        }
        List<Path> pruned;
        try {
            pruned = new SnapshotCache(entry.path().getParent()).prune(Instant.now());
        } catch (RuntimeException e) { // an UncheckedIOException of a directory listing
            warn(context, "pruning the snapshot cache " + entry.path().getParent() + " failed (" + e + ")", e);
            return saved;
        }
        return pruned.isEmpty() ? saved : saved + "; pruned " + pruned.size() + " old entr"
                + (pruned.size() == 1 ? "y" : "ies");
    }

    /**
     * A warning of the snapshot cache: logged, and published as the report entry
     * {@value #CACHE_ENTRY}, so it shows in the test's report; the test goes on.
     */
    private static void warn(ExtensionContext context, String message, Throwable cause) {
        // The message names the cause; its stack trace only at DEBUG: an unusable file is an
        // expected case, handled, and 90 lines of trace in the test output read like a failure.
        LOG.log(System.Logger.Level.WARNING, message);
        if (cause != null) {
            LOG.log(System.Logger.Level.DEBUG, "the cause of the snapshot cache warning above", cause);
        }
        context.publishReportEntry(CACHE_ENTRY, message);
    }

    /**
     * Publishes the template's report entry and logs it at INFO: JUnit report entries do not reach
     * Maven's console or Failsafe's XML, and whether a run booted or loaded its template is what a
     * user looks for first.
     */
    private static void announce(ExtensionContext context, TemplateBoot boot) {
        String summary = boot.summary();
        LOG.log(System.Logger.Level.INFO, "bootkernel: " + summary);
        context.publishReportEntry("bootkernel.template", summary);
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
