package io.github.bootkernel.engine.ktap;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.ktap.KtapLine.Kind;
import io.github.bootkernel.engine.ktap.KtapTest.Directive;
import org.junit.jupiter.api.Test;

class KtapLineTest {

    @Test
    void readsTheResultLineForms() {
        // ktap.rst's examples, TAP 13's "- " before the description and its lower-case directives.
        assertThat(KtapLine.of("ok 1 test_case_name")).extracting(KtapLine::kind, KtapLine::ok, KtapLine::number,
                KtapLine::name).containsExactly(Kind.RESULT, true, 1, "test_case_name");
        assertThat(KtapLine.of("not ok 12 - a name # skip not today")).extracting(KtapLine::ok, KtapLine::number,
                KtapLine::name, KtapLine::directive, KtapLine::reason)
                .containsExactly(false, 12, "a name", Directive.SKIP, "not today");
        assertThat(KtapLine.of("    ok 2 hw_breakpoint # SKIP ")).extracting(KtapLine::indent, KtapLine::directive,
                KtapLine::reason).containsExactly(4, Directive.SKIP, "");
        assertThat(KtapLine.of("not ok 1 test # TIMEOUT 30 seconds")).extracting(KtapLine::directive,
                KtapLine::reason).containsExactly(Directive.TIMEOUT, "30 seconds");
        assertThat(KtapLine.of("ok")).extracting(KtapLine::kind, KtapLine::number, KtapLine::name)
                .containsExactly(Kind.RESULT, 0, "");
    }

    @Test
    void wordsThatOnlyStartLikeAResultAreNot() {
        assertThat(KtapLine.of("okay").kind()).isEqualTo(Kind.OTHER);
        assertThat(KtapLine.of("ok1 x").kind()).isEqualTo(Kind.OTHER);
        assertThat(KtapLine.of("not okay").kind()).isEqualTo(Kind.OTHER);
        assertThat(KtapLine.of("# ok 1 inside a diagnostic").kind()).isEqualTo(Kind.OTHER);
    }

    @Test
    void readsVersionSubtestAndPlanLines() {
        assertThat(KtapLine.of("  KTAP version 1")).extracting(KtapLine::kind, KtapLine::indent)
                .containsExactly(Kind.VERSION, 2);
        assertThat(KtapLine.of("TAP version 13").kind()).isEqualTo(Kind.VERSION);
        assertThat(KtapLine.of("    # Subtest: qos-kunit-test")).extracting(KtapLine::kind, KtapLine::name)
                .containsExactly(Kind.SUBTEST, "qos-kunit-test");
        assertThat(KtapLine.of("1..27")).extracting(KtapLine::kind, KtapLine::number).containsExactly(Kind.PLAN, 27);
        assertThat(KtapLine.of("1..0 # SKIP no tests")).extracting(KtapLine::kind, KtapLine::number)
                .containsExactly(Kind.PLAN, 0);
        assertThat(KtapLine.of("1..2..3").kind()).isEqualTo(Kind.OTHER);
    }
}
