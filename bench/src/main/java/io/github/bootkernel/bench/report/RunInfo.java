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
 * @param sections the names of the sections that ran (whether or not they failed), which decide
 *                 the targets listed ({@link Targets#of(List, List)}); empty when not known, which
 *                 lists issue 12's targets
 */
public record RunInfo(String command, List<String> machine, String date, String duration, List<String> failures,
                      List<String> sections) {

    /** Checks and copies the fields. */
    public RunInfo {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(duration, "duration");
        machine = List.copyOf(machine);
        failures = List.copyOf(failures);
        sections = List.copyOf(sections);
    }

    /**
     * A run whose sections are not known.
     *
     * @param command  the command
     * @param machine  the machine's facts
     * @param date     when it started
     * @param duration how long it took
     * @param failures the sections that failed
     */
    public RunInfo(String command, List<String> machine, String date, String duration, List<String> failures) {
        this(command, machine, date, duration, failures, List.of());
    }
}
