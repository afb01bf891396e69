package io.github.bootkernel.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What every section needs to know about this run of the benchmark.
 *
 * @param runs    repetitions per subject (at least 1)
 * @param cache   the kernel cache, {@code ~/.cache/bootkernel} unless {@code BOOTKERNEL_CACHE} says otherwise
 * @param jar     the command-line tool, {@code engine/target/bootkernel.jar}
 * @param work    a scratch directory for this run, deleted at its end
 * @param where   a description of the machine, for {@link Row#where()}
 * @param kernels the kernel ids of the cache's {@code latest/} directory to boot, in order, e.g.
 *     {@code debian-cloud}; sections that boot one kernel only take the first
 */
public record BenchContext(int runs, Path cache, Path jar, Path work, String where, List<String> kernels) {

    /** The kernels booted when none are chosen. */
    public static final List<String> DEFAULT_KERNELS = List.of("debian-cloud", "debian-generic", "tiny");

    /** Checks the fields. */
    public BenchContext {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(where, "where");
        kernels = List.copyOf(kernels);
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, got " + runs);
        }
        if (kernels.isEmpty()) {
            throw new IllegalArgumentException("kernels: name at least one kernel id");
        }
    }

    /**
     * A context booting {@link #DEFAULT_KERNELS}.
     *
     * @param runs  repetitions per subject
     * @param cache the kernel cache
     * @param jar   the command-line tool
     * @param work  the scratch directory
     * @param where the machine
     */
    public BenchContext(int runs, Path cache, Path jar, Path work, String where) {
        this(runs, cache, jar, work, where, DEFAULT_KERNELS);
    }

    /**
     * @param id a kernel id, e.g. {@code debian-cloud}
     * @return its file in the cache, {@code <cache>/latest/<id>}
     */
    public Path kernel(String id) {
        return cache.resolve("latest").resolve(id);
    }

    /**
     * @param value repetitions
     * @return this context with that many
     */
    public BenchContext withRuns(int value) {
        return new BenchContext(value, cache, jar, work, where, kernels);
    }

    /** @return the first of {@link #kernels()}: the kernel of sections that boot only one */
    public String mainKernel() {
        return kernels.get(0);
    }
}
