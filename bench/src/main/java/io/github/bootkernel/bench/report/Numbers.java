package io.github.bootkernel.bench.report;

import java.util.Locale;

/** Numbers in the report: three significant digits (no decimals from 100 up), dot as the decimal mark. */
final class Numbers {

    private Numbers() {
    }

    static String format(double v) {
        double a = Math.abs(v);
        if (a == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        int decimals = (int) Math.max(0, Math.min(9, 2 - Math.floor(Math.log10(a))));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
