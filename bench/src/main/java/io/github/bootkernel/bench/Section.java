package io.github.bootkernel.bench;

import java.util.List;

/** One part of the benchmark: it runs its work and returns its rows. */
public interface Section {

    /** The section's name, as {@link Row#section()} of its rows. */
    String name();

    /**
     * Runs this section's work with the context's settings (repetitions alternate between
     * subjects within one run).
     *
     * @throws Exception when the work cannot be measured; the message names what failed
     */
    List<Row> run(BenchContext context) throws Exception;
}
