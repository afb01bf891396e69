package io.github.bootkernel.engine.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Titles stay the same when what changes from run to run changes. */
class TitlesTest {

    private static final Pattern TIMESTAMP = Pattern.compile("\\[ *(\\d+)\\.(\\d{6})\\]");
    private static final Pattern HEX = Pattern.compile("(?<![\\w+/])[0-9a-f]{8,}(?!\\w)");
    private static final Pattern OFFSET = Pattern.compile("\\+0x([0-9a-f]+)/0x([0-9a-f]+)");
    private static final Pattern PID = Pattern.compile("(PID: |pid: ?|\\[ *T|task \\S+?:|\\S/)(\\d{2,})");
    private static final Pattern CPU = Pattern.compile("(CPU#?:? ?|cpu |\\[ *C)(\\d)");

    @ParameterizedTest
    @ValueSource(strings = {"panic-6.1", "panic-4.15", "bug-null-5.6", "kernel-bug-5.10", "divide-error-5.9", "gpf-6.0",
        "kasan-6.4", "kfence-5.11", "kcsan-6.12", "ubsan-5.4", "ubsan-5.9", "hung-task-5.9", "rcu-stall-5.10",
        "soft-lockup-5.10", "lockdep-4.15", "lockdep-5.5", "unable-to-handle-6.1", "warning-4.20", "oom-kill-6.1"})
    void theSameBugWithOtherAddressesPidsCpusAndTimesHasTheSameTitle(String sample) {
        List<String> console = Samples.lines(sample);
        List<String> titles = titles(console);

        for (long seed = 1; seed <= 5; seed++) {
            assertThat(titles(perturb(console, seed))).as("seed %d", seed).isEqualTo(titles);
        }
    }

    private static List<String> titles(List<String> console) {
        return KernelReportScanner.scan(console).stream().map(KernelReport::title).toList();
    }

    /** Another run of the same bug: new timestamps (shifted), addresses, offsets, PIDs and CPU numbers. */
    static List<String> perturb(List<String> console, long seed) {
        Random random = new Random(seed);
        long shift = random.nextInt(1000);
        int pid = 100 + random.nextInt(20000);
        int cpu = random.nextInt(8);
        return console.stream().map(line -> {
            String out = replace(TIMESTAMP, line, m -> String.format("[%5d.%s]", Long.parseLong(m.group(1)) + shift, m.group(2)));
            out = replace(HEX, out, m -> hex(random, m.group().length()));
            out = replace(OFFSET, out, m -> {
                long size = Long.parseLong(m.group(2), 16);
                return "+0x" + Long.toHexString(1 + (long) (random.nextDouble() * Math.max(1, size - 1))) + "/0x" + m.group(2);
            });
            out = replace(PID, out, m -> m.group(1) + pid);
            return replace(CPU, out, m -> m.group(1) + cpu);
        }).toList();
    }

    private static String hex(Random random, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(Character.forDigit(random.nextInt(16), 16));
        }
        return out.toString();
    }

    private static String replace(Pattern pattern, String text, Function<MatchResult, String> with) {
        return pattern.matcher(text).replaceAll(m -> Matcher.quoteReplacement(with.apply(m)));
    }
}
