package io.github.bootkernel.bench.report;

import java.util.OptionalDouble;

/**
 * One of the benchmark's targets (issues 12 and 13), checked against this run's numbers.
 *
 * @param name     what is compared, e.g. {@code "warm JVM / QEMU -M pc, time to init, debian-cloud"}
 * @param measured the ratio or value measured (medians); empty when this run did not measure it
 * @param limit    the largest value that meets the target, or with {@code atLeast} the smallest
 * @param unit     {@code "x"} for a ratio, else the value's unit
 * @param basis    the medians it was computed from, in words
 * @param atLeast  whether the target is a lower bound ({@code measured >= limit}) rather than an
 *                 upper one ({@code measured <= limit})
 */
public record Target(String name, OptionalDouble measured, double limit, String unit, String basis, boolean atLeast) {

    /**
     * An upper bound: met when the measured value is at most {@code limit}.
     *
     * @param name     what is compared
     * @param measured the value, or empty
     * @param limit    the largest value that meets it
     * @param unit     the unit
     * @param basis    the medians, in words
     */
    public Target(String name, OptionalDouble measured, double limit, String unit, String basis) {
        this(name, measured, limit, unit, basis, false);
    }

    /** @return the verdict: {@code "met"}, {@code "not met"} or {@code "not measured"} */
    public String verdict() {
        if (measured.isEmpty()) {
            return "not measured";
        }
        double m = measured.getAsDouble();
        return (atLeast ? m >= limit : m <= limit) ? "met" : "not met";
    }
}
