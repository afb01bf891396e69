package io.github.bootkernel.engine.ktap;

import io.github.bootkernel.engine.ktap.KtapLine.Kind;
import io.github.bootkernel.engine.ktap.KtapTest.Directive;
import io.github.bootkernel.engine.ktap.KtapTest.Result;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads KTAP (the kernel's {@code Documentation/dev-tools/ktap.rst}, version 1) and TAP version 13
 * as kselftest prints it from console lines as they arrive, and tells a {@link KtapListener} of
 * each test as soon as its result is known.
 *
 * <p><b>Where a run starts.</b> Lines before a version line ({@code KTAP version 1},
 * {@code TAP version 13} or {@code 14}) are the boot log and are skipped. Whatever precedes that
 * first version line on its console line, such as a printk timestamp, is the run's prefix: it is
 * stripped from the lines after it, as {@code kunit.py} does. A line without that prefix (a user
 * program's output on a console with timestamps) is kept as a diagnostic line of the current test
 * and never read as a result. A run ends when its plan is complete (then lines are skipped again
 * until the next version line) or when the input {@linkplain #end ends}.
 *
 * <p><b>Nesting.</b> A version line or a {@code # Subtest: <name>} header (kunit prints both; each
 * alone is enough, as for {@code kunit.py}) opens a test with subtests, and a plan line
 * {@code 1..N} gives its count. Its subtests' lines share the indentation of its header, and its
 * own result line is indented as its parent's subtests are (ktap.rst "Nested tests"), so a result
 * line indented less than the open test's header is that test's result. Output that is not
 * indented at all still nests: a result line after the planned count of subtests, or one with the
 * open test's own name, closes it.
 *
 * <p><b>Results.</b> {@code ok} is {@link Result#PASSED}, {@code not ok} {@link Result#FAILED};
 * a SKIP directive makes either {@link Result#SKIPPED}, and a TODO directive makes {@code not ok}
 * {@link Result#TODO}; other directives keep the result as printed (ktap.rst: a parser falls back
 * to ok / not ok). Diagnostic and unknown lines belong to the next test that ends at their level,
 * the lines inside a test's header and after its last subtest to that test. A test whose result line never comes is
 * {@link Result#CRASHED}, with the reason in {@link KtapTest#reason()}: when the input ends, when
 * a test at an outer level begins or ends first, and for each subtest a plan announced that never
 * came (these get the number the plan promised and an empty name; the first also gets the lines
 * printed after the last result, typically the kernel's own report of the crash).
 *
 * <p><b>Malformed input</b> never throws: a result line with an unexpected number, or more subtests
 * than planned, is taken as printed and noted in {@link KtapTest#problems()}; lines that fit no
 * rule are unknown lines.
 *
 * <p>Not thread-safe: feed it from one thread, such as a console follower; the listener is called
 * on that thread.
 */
public final class KtapParser {

    /** The most diagnostic lines kept per test; the rest are only counted. */
    public static final int MAX_DIAGNOSTICS = 500;

    private final KtapListener listener;
    private final Deque<OpenTest> open = new ArrayDeque<>();
    private final List<KtapTest> runs = new ArrayList<>();
    private LinePrefix prefix;
    private boolean ended;

    /**
     * Makes a parser that tells {@code listener} of each test.
     *
     * @param listener told of tests as they begin and end
     */
    public KtapParser(KtapListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Parses a whole console at once.
     *
     * @param lines the console's lines, in order
     * @return the runs found, each a test of depth 0 whose subtests are the run's tests
     */
    public static List<KtapTest> parse(List<String> lines) {
        KtapParser parser = new KtapParser(new KtapListener() { });
        lines.forEach(parser::accept);
        parser.end("the input ended");
        return parser.runs();
    }

    /**
     * Returns the runs finished so far.
     *
     * @return a snapshot, in order
     */
    public List<KtapTest> runs() {
        return List.copyOf(runs);
    }

    /**
     * Reads one console line.
     *
     * @param line the line, without its terminator
     * @throws IllegalStateException if the input has {@linkplain #end ended}
     */
    public void accept(String line) {
        Objects.requireNonNull(line, "line");
        if (ended) {
            throw new IllegalStateException("the input has ended");
        }
        if (open.isEmpty()) {
            Optional<LinePrefix> learnt = LinePrefix.ofVersionLine(line);
            if (learnt.isPresent()) {
                prefix = learnt.get();
                KtapLine version = KtapLine.of(prefix.strip(line).orElse(line));
                OpenTest run = new OpenTest(0, 0, version.indent(), null);
                run.sawVersion = true;
                open.push(run);
            }
            return;
        }
        Optional<String> stripped = prefix.strip(line);
        if (stripped.isEmpty()) {
            open.peek().pending.add(line);
            return;
        }
        KtapLine parsed = KtapLine.of(stripped.get());
        switch (parsed.kind()) {
            case VERSION, SUBTEST -> header(parsed);
            case PLAN -> plan(parsed);
            case RESULT -> result(parsed);
            case OTHER -> diagnostic(parsed);
        }
    }

    /**
     * Ends the input: every test still open {@linkplain Result#CRASHED crashed}, with
     * {@code "no result line: " + why} as its reason. Later calls do nothing.
     *
     * @param why why no more lines come, for example {@code "the guest ended (PANIC: ...)"}
     */
    public void end(String why) {
        if (ended) {
            return;
        }
        ended = true;
        String reason = "no result line: " + why;
        while (open.size() > 1) {
            crash(reason);
        }
        if (!open.isEmpty()) {
            finishRun(reason);
        }
    }

    private void header(KtapLine line) {
        OpenTest top = open.peek();
        if (top.inHeader && line.indent() >= top.indent) {
            if (line.kind() == Kind.VERSION && !top.sawVersion) {
                top.sawVersion = true;
                top.indent = line.indent();
                return;
            }
            if (line.kind() == Kind.SUBTEST && top.name == null && top.depth > 0) {
                top.name = line.name();
                return;
            }
        }
        while (open.size() > 1 && open.peek().indent >= line.indent()) {
            crash("no result line: the next test at its level began");
        }
        if (open.isEmpty()) {
            return;
        }
        OpenTest parent = open.peek();
        announce(parent);
        OpenTest child = new OpenTest(parent.depth + 1, parent.nextNumber(), line.indent(),
                line.kind() == Kind.SUBTEST ? line.name() : null);
        child.sawVersion = line.kind() == Kind.VERSION;
        child.diagnostics.take(parent.pending);
        open.push(child);
    }

    private void plan(KtapLine line) {
        OpenTest top = open.peek();
        if (top.inHeader && line.indent() >= top.indent) {
            top.plan = OptionalInt.of(line.number());
            top.indent = line.indent();
            announce(top);
            finishRunIfComplete();
        } else if (top.plan.isEmpty() && line.indent() == top.indent) {
            // TAP allows the plan after the tests.
            top.plan = OptionalInt.of(line.number());
            if (top.subtests.size() > line.number()) {
                top.problems.add("the plan announced " + line.number() + " tests after " + top.subtests.size()
                        + " came");
            }
            finishRunIfComplete();
        } else {
            diagnostic(line);
        }
    }

    private void result(KtapLine line) {
        while (open.size() > 1 && line.indent() < open.peek().indent) {
            Iterator<OpenTest> outward = open.iterator();
            outward.next();
            if (line.indent() >= outward.next().indent) {
                close(line);
                return;
            }
            crash("no result line: the result of a test at an outer level came first");
        }
        if (open.isEmpty()) {
            return;
        }
        OpenTest top = open.peek();
        if (open.size() > 1 && line.indent() == top.indent && !top.subtests.isEmpty()
                && closesUnindented(top, line.name())) {
            close(line);
            return;
        }
        announce(top);
        Diagnostics lines = new Diagnostics();
        lines.take(top.pending);
        List<String> problems = numberProblems(top, line);
        KtapTest leaf = new KtapTest(line.number(), line.name(), resultOf(line), line.directive(), line.reason(),
                lines.lines(), List.of(), OptionalInt.empty(), problems);
        top.subtests.add(leaf);
        listener.finished(top.depth + 1, leaf);
        finishRunIfComplete();
    }

    /** Without indentation, the open test ends after its planned subtests, or at its own name. */
    private static boolean closesUnindented(OpenTest top, String name) {
        boolean named = top.name != null && top.name.equals(name);
        return top.planComplete() ? top.name == null || named : top.plan.isEmpty() && named;
    }

    private void diagnostic(KtapLine line) {
        OpenTest top = open.peek();
        String text = line.text().substring(Math.min(line.indent(), top.indent));
        // Lines inside a header (kunit's "# module:") are the test's own.
        (top.inHeader ? top.diagnostics : top.pending).add(text);
    }

    private void close(KtapLine line) {
        OpenTest test = open.pop();
        OpenTest parent = open.peek();
        announce(test);
        addMissing(test, "no result line: the result of " + (test.name == null ? "its parent" : test.name)
                + " came first");
        test.problems.addAll(numberProblems(parent, line));
        KtapTest closed = test.close(resultOf(line), line.directive(), line.reason(), line.name());
        parent.subtests.add(closed);
        listener.finished(test.depth, closed);
        finishRunIfComplete();
    }

    private void crash(String reason) {
        OpenTest test = open.pop();
        announce(test);
        addMissing(test, reason);
        KtapTest crashed = test.close(Result.CRASHED, Directive.NONE, reason, "");
        open.peek().subtests.add(crashed);
        listener.finished(test.depth, crashed);
        finishRunIfComplete();
    }

    private void finishRunIfComplete() {
        if (open.size() == 1 && !open.peek().inHeader && open.peek().planComplete()) {
            finishRun("");
        }
    }

    private void finishRun(String missingReason) {
        OpenTest run = open.pop();
        announce(run);
        addMissing(run, missingReason);
        KtapTest finished = run.close(run.runResult(), Directive.NONE, "", "");
        runs.add(finished);
        listener.finished(0, finished);
    }

    /** Each subtest the plan announced that never came crashed (kunit.py: "missing expected subtest!"). */
    private void addMissing(OpenTest test, String reason) {
        if (test.plan.isEmpty()) {
            return;
        }
        for (int number = test.subtests.size() + 1; number <= test.plan.getAsInt(); number++) {
            Diagnostics lines = new Diagnostics();
            lines.take(test.pending);
            KtapTest missing = new KtapTest(number, "", Result.CRASHED, Directive.NONE, reason, lines.lines(),
                    List.of(), OptionalInt.empty(), List.of());
            test.subtests.add(missing);
            listener.finished(test.depth + 1, missing);
        }
    }

    private void announce(OpenTest test) {
        if (test.inHeader) {
            test.inHeader = false;
            listener.started(test.depth, test.number, test.name == null ? "" : test.name, test.plan);
        }
    }

    private static List<String> numberProblems(OpenTest parent, KtapLine line) {
        List<String> problems = new ArrayList<>();
        if (line.number() != 0 && line.number() != parent.nextNumber()) {
            problems.add("expected test " + parent.nextNumber() + ", found test " + line.number());
        }
        if (parent.planComplete()) {
            problems.add("the plan announced " + parent.plan.getAsInt() + " tests; this is one more");
        }
        return problems;
    }

    private static Result resultOf(KtapLine line) {
        if (line.directive() == Directive.SKIP) {
            return Result.SKIPPED;
        }
        if (!line.ok() && line.directive() == Directive.TODO) {
            return Result.TODO;
        }
        return line.ok() ? Result.PASSED : Result.FAILED;
    }
}
