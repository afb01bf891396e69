package io.github.bootkernel.engine.ktap;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code kunit.py parse} printed (kunit_parser.py's {@code print_test_header},
 * {@code print_test_result} and {@code print_test_footer}), timestamps removed, as lines
 * {@code "suite NAME"}, {@code "case NAME STATUS"} and {@code "end NAME STATUS"}.
 */
final class KunitPyOutput {

    private static final Pattern HEADER = Pattern.compile("=+ ([^\\[].*?)(?: \\(\\d+ subtests?\\))? =+");
    private static final Pattern FOOTER = Pattern.compile("=+ \\[([A-Z ]+)\\] (.*?) =+");
    private static final Pattern CASE = Pattern.compile("\\[([A-Z ]+)\\] (.*)");

    private KunitPyOutput() {
    }

    static List<String> summary(List<String> output) {
        List<String> summary = new ArrayList<>();
        for (String line : output) {
            Matcher m;
            if ((m = FOOTER.matcher(line)).matches()) {
                summary.add("end " + m.group(2) + " " + m.group(1));
            } else if ((m = HEADER.matcher(line)).matches()) {
                summary.add("suite " + m.group(1));
            } else if ((m = CASE.matcher(line)).matches()) {
                summary.add("case " + m.group(2) + " " + m.group(1));
            }
        }
        return summary;
    }

    /** The same lines for a run read here. */
    static List<String> summary(KtapTest run) {
        List<String> summary = new ArrayList<>();
        for (KtapTest suite : run.subtests()) {
            summary.add("suite " + suite.name());
            suite.subtests().forEach(c -> summary.add("case " + c.name() + " " + c.result()));
            summary.add("end " + suite.name() + " " + suite.result());
        }
        return summary;
    }
}
