package io.github.bootkernel.bench;

import java.nio.file.Path;

/**
 * What every section needs to know about this run of the benchmark.
 *
 * @param runs    repetitions per subject (at least 1)
 * @param cache   the kernel cache, {@code ~/.cache/bootkernel} unless {@code BOOTKERNEL_CACHE} says otherwise
 * @param jar     the command-line tool, {@code engine/target/bootkernel.jar}
 * @param work    a scratch directory for this run, deleted at its end
 * @param where   a description of the machine, for {@link Row#where()}
 */
public record BenchContext(int runs, Path cache, Path jar, Path work, String where) {
}
