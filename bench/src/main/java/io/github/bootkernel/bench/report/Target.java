package io.github.bootkernel.bench.report;

import java.util.OptionalDouble;

/**
 * One of issue 12's targets, checked against this run's numbers.
 *
 * @param name     what is compared, e.g. {@code "warm JVM / QEMU -M pc, time to init, debian-cloud"}
 * @param measured the ratio or value measured (medians); empty when this run did not measure it
 * @param limit    the largest value that meets the target
 * @param unit     {@code "x"} for a ratio, else the value's unit
 * @param basis    the medians it was computed from, in words
 */
public record Target(String name, OptionalDouble measured, double limit, String unit, String basis) {

    /** @return the verdict: {@code "met"}, {@code "not met"} or {@code "not measured"} */
    public String verdict() {
        if (measured.isEmpty()) {
            return "not measured";
        }
        return measured.getAsDouble() <= limit ? "met" : "not met";
    }
}
