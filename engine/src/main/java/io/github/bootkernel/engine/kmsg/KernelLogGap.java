package io.github.bootkernel.engine.kmsg;

/**
 * Records the kernel's ring overwrote before the agent read them, or that never reached the host:
 * the sequence numbers {@code [first, next)}. The sequence numbers around the gap say how many
 * there were (kernel {@code Documentation/ABI/testing/dev-kmsg}: "the 64 bit record sequence
 * numbers allow to calculate the amount of lost messages").
 *
 * @param first the first sequence number missing
 * @param next the sequence number of the record after the gap
 */
public record KernelLogGap(long first, long next) {

    /**
     * Checks the range.
     *
     * @throws IllegalArgumentException unless {@code 0 <= first < next}
     */
    public KernelLogGap {
        if (first < 0 || next <= first) {
            throw new IllegalArgumentException("a gap needs 0 <= first < next, got [" + first + ", " + next + ")");
        }
    }

    /**
     * Returns how many records are missing.
     *
     * @return {@code next - first}, at least 1
     */
    public long count() {
        return next - first;
    }

    /** @return for example {@code "3 records lost (sequence 12 to 14)"} */
    @Override
    public String toString() {
        return count() + (count() == 1 ? " record" : " records") + " lost (sequence " + first + " to " + (next - 1) + ")";
    }
}
