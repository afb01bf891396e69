package io.github.bootkernel.engine.ktap;

import io.github.bootkernel.engine.ktap.KtapTest.Directive;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of KTAP output, prefix already stripped, sorted into the four line types of ktap.rst
 * plus TAP's {@code # Subtest:} header. Everything that is not a version, subtest, plan or result
 * line is {@link Kind#OTHER}: a diagnostic line ({@code # ...}) or an unknown line, which
 * ktap.rst ("Unknown lines") says may appear anywhere and change no result.
 *
 * @param kind the line type
 * @param indent the count of leading spaces and tabs
 * @param text the whole line
 * @param ok for a result line: {@code ok} rather than {@code not ok}
 * @param number for a result line: its number, 0 if it gave none; for a plan line: its count
 * @param name for a result line: its description without a leading {@code "- "}; for a subtest
 *     line: the name after {@code # Subtest:}; else empty
 * @param directive for a result line: its directive
 * @param reason for a result line: the text after the directive, or after {@code #} when there
 *     is no directive
 */
record KtapLine(Kind kind, int indent, String text, boolean ok, int number, String name, Directive directive,
        String reason) {

    /** The line types. */
    enum Kind { VERSION, SUBTEST, PLAN, RESULT, OTHER }

    // ktap.rst "Version lines": KTAP version 1, TAP version 13 and 14.
    private static final Pattern VERSION = Pattern.compile("(?:KTAP|TAP) version \\d+\\s*");
    // TAP 14 and kunit: "# Subtest: <name>".
    private static final Pattern SUBTEST = Pattern.compile("# Subtest: (.*?)\\s*");
    // ktap.rst "Plan lines": 1..N (TAP allows a reason after the count: "1..0 # SKIP why").
    private static final Pattern PLAN = Pattern.compile("1\\.\\.(\\d{1,9})(?:\\s.*)?");
    // ktap.rst "Test case result lines"; TAP 13 also allows the number to be left out.
    private static final Pattern RESULT = Pattern.compile(
            "(ok|not ok)(?:\\s+(\\d{1,9}))?(?=\\s|$)(?:\\s+-(?=\\s|$))?\\s*([^#]*?)\\s*(?:#(.*))?");
    private static final Pattern DIRECTIVE = Pattern.compile("\\s*(\\S+)(?:\\s+(.*?))?\\s*");

    /**
     * Sorts one line.
     *
     * @param text the line, prefix stripped
     * @return its type and parts
     */
    static KtapLine of(String text) {
        int indent = 0;
        while (indent < text.length() && (text.charAt(indent) == ' ' || text.charAt(indent) == '\t')) {
            indent++;
        }
        String body = text.substring(indent);
        if (VERSION.matcher(body).matches()) {
            return new KtapLine(Kind.VERSION, indent, text, false, 0, "", Directive.NONE, "");
        }
        Matcher m = SUBTEST.matcher(body);
        if (m.matches()) {
            return new KtapLine(Kind.SUBTEST, indent, text, false, 0, m.group(1), Directive.NONE, "");
        }
        m = PLAN.matcher(body);
        if (m.matches()) {
            return new KtapLine(Kind.PLAN, indent, text, false, Integer.parseInt(m.group(1)), "", Directive.NONE, "");
        }
        m = RESULT.matcher(body);
        if (m.matches()) {
            int number = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            Directive directive = Directive.NONE;
            String reason = "";
            if (m.group(4) != null) {
                Matcher d = DIRECTIVE.matcher(m.group(4));
                reason = m.group(4).strip();
                if (d.matches()) {
                    directive = directive(d.group(1));
                    if (directive != Directive.NONE) {
                        reason = d.group(2) == null ? "" : d.group(2);
                    }
                }
            }
            return new KtapLine(Kind.RESULT, indent, text, m.group(1).equals("ok"), number, m.group(3), directive,
                    reason);
        }
        return new KtapLine(Kind.OTHER, indent, text, false, 0, "", Directive.NONE, "");
    }

    /** TAP 13 takes any word starting with "skip" as SKIP, case-insensitively; the others are words. */
    private static Directive directive(String word) {
        String upper = word.toUpperCase(Locale.ROOT);
        if (upper.startsWith("SKIP")) {
            return Directive.SKIP;
        }
        return switch (upper) {
            case "TODO" -> Directive.TODO;
            case "XFAIL" -> Directive.XFAIL;
            case "TIMEOUT" -> Directive.TIMEOUT;
            case "ERROR" -> Directive.ERROR;
            default -> Directive.NONE;
        };
    }
}
