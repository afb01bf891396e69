package io.github.bootkernel.bench.report;

import java.util.List;
import java.util.Objects;

/**
 * What the report says about the run besides its rows.
 *
 * @param command  the command that ran the benchmark, e.g. {@code "bench/run --runs 3"}
 * @param machine  lines describing the machine (kernel, CPU, whether nested), one per fact
 * @param date     when the run started, ISO-8601 UTC
 * @param duration how long it took, in words
 * @param failures sections that failed, each with its reason; empty if none
 */
public record RunInfo(String command, List<String> machine, String date, String duration, List<String> failures) {

    /** Checks and copies the fields. */
    public RunInfo {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(duration, "duration");
        machine = List.copyOf(machine);
        failures = List.copyOf(failures);
    }
}
