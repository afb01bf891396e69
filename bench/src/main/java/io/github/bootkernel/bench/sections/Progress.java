package io.github.bootkernel.bench.sections;

import io.github.bootkernel.bench.boot.BootTimes;
import java.util.Locale;

/** One line on standard output per measurement, so a long run shows where it is. */
final class Progress {

    private Progress() {
    }

    static void boot(Object subject, int run, BootTimes t) {
        System.out.printf(Locale.ROOT, "  run %d  %-45s init line %7.3f s  uptime %7.3f s  end %7.3f s%s%s%n",
                run + 1, subject, t.initLine(), t.uptime(), t.end(),
                t.exits().isPresent() ? "  " + t.exits().getAsLong() + " VM exits" : "",
                t.lastLineToEnd().isPresent()
                        ? String.format(Locale.ROOT, "  (last line to end %.3f s)", t.lastLineToEnd().getAsDouble())
                        : "");
    }

    static void step(Object subject, int run, String what) {
        System.out.printf(Locale.ROOT, "  run %d  %-45s %s%n", run + 1, subject, what);
    }

    static void value(Object subject, int run, String metric, double value, String unit) {
        System.out.printf(Locale.ROOT, "  run %d  %-45s %s %.3f %s%n", run + 1, subject, metric, value, unit);
    }
}
