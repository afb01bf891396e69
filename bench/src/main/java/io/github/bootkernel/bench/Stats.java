package io.github.bootkernel.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The summary of a row's samples: median, smallest and largest, and their count.
 *
 * @param median the middle sample (the mean of the two middle ones for an even count)
 * @param min    the smallest sample
 * @param max    the largest sample
 * @param n      how many samples
 */
public record Stats(double median, double min, double max, int n) {

    /**
     * @param samples at least one value, none NaN
     * @return their summary
     * @throws IllegalArgumentException for no samples or a NaN
     */
    public static Stats of(List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        List<Double> sorted = new ArrayList<>(samples);
        for (Double d : sorted) {
            if (d == null || d.isNaN()) {
                throw new IllegalArgumentException("a sample is not a number: " + samples);
            }
        }
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Stats(median, sorted.get(0), sorted.get(n - 1), n);
    }

    /** @return the spread, {@code max - min} */
    public double spread() {
        return max - min;
    }
}
