package io.github.bootkernel.bench.report;

import java.util.Locale;

/** Numbers in the report: about three significant digits, dot as the decimal mark. */
final class Numbers {

    private Numbers() {
    }

    static String format(double v) {
        double a = Math.abs(v);
        String pattern = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, v);
    }
}
