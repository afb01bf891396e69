package io.github.bootkernel.engine.ktap;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text a console puts before each KTAP line, such as the printk timestamp
 * {@code "[    6.462532] "}, learnt from the first version line and stripped from the lines after
 * it. {@code kunit.py} (kunit_parser.py, {@code extract_tap_lines}) strips as many characters as
 * came before {@code KTAP version}; here a line must also have the prefix's shape (the same text,
 * with any digits where the prefix has digits and any padding where it has padding) to lose it, so a line
 * from elsewhere (a user program's output, which has no timestamp) is never cut, and a timestamp
 * that grew by a digit still is.
 */
final class LinePrefix {

    private static final Pattern VERSION = Pattern.compile("(?:KTAP|TAP) version \\d+\\s*$");

    private final Pattern shape;

    private LinePrefix(Pattern shape) {
        this.shape = shape;
    }

    /**
     * Learns the prefix from a version line.
     *
     * @param line a console line
     * @return the prefix, if {@code line} is a version line ({@code KTAP version N} or
     *     {@code TAP version N} at its end)
     */
    static Optional<LinePrefix> ofVersionLine(String line) {
        Matcher m = VERSION.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new LinePrefix(shapeOf(line.substring(0, m.start()))));
    }

    /**
     * Strips the prefix.
     *
     * @param line a console line
     * @return the line without the prefix, or empty if the line does not start with one
     */
    Optional<String> strip(String line) {
        Matcher m = shape.matcher(line);
        return m.lookingAt() ? Optional.of(line.substring(m.end())) : Optional.empty();
    }

    /**
     * Digits become any digits, padding inside the prefix any padding; the spaces that end it stay
     * as they are, since the line's indentation follows them.
     */
    private static Pattern shapeOf(String prefix) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < prefix.length()) {
            char c = prefix.charAt(i);
            int run = i + 1;
            if (c == ' ' || isDigit(c)) {
                while (run < prefix.length() && (prefix.charAt(run) == ' ') == (c == ' ')
                        && isDigit(prefix.charAt(run)) == isDigit(c)) {
                    run++;
                }
            }
            if (isDigit(c)) {
                regex.append("[0-9]+");
            } else if (c == ' ' && run < prefix.length()) {
                regex.append(" *");
            } else {
                regex.append(Pattern.quote(prefix.substring(i, run)));
            }
            i = run;
        }
        return Pattern.compile(regex.toString());
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
