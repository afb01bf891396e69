package io.github.bootkernel.engine.console.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bytes to lines, alone: UTF-8, the CR/LF rules, the line length bound. */
class LineAssemblerTest {

    private final List<String> lines = new ArrayList<>();

    private LineAssembler assembler(int maxLineLength) {
        return new LineAssembler(maxLineLength, lines::add);
    }

    private LineAssembler assembler() {
        return assembler(4096);
    }

    static void feed(LineAssembler assembler, String text) {
        feed(assembler, text.getBytes(StandardCharsets.UTF_8));
    }

    static void feed(LineAssembler assembler, byte... bytes) {
        for (byte b : bytes) {
            assembler.accept(b);
        }
    }

    @Test
    void lfCrLfAndLoneCrEndLinesAndAreStripped() {
        LineAssembler assembler = assembler();
        feed(assembler, "lf\ncrlf\r\nlone\rnext\n\nafter-empty\n");

        assertThat(lines).containsExactly("lf", "crlf", "lone", "next", "", "after-empty");
        assertThat(assembler.partialLine()).isEmpty();
    }

    @Test
    void ttyDoubledCrBeforeLfIsOneTerminator() {
        feed(assembler(), "one\r\r\ntwo\r\n\r\nthree\r");

        assertThat(lines).containsExactly("one", "two", "", "three");
    }

    @Test
    void crLfSplitAcrossTimeStillEndsOneLine() {
        LineAssembler assembler = assembler();
        feed(assembler, "a\r");
        assertThat(lines).containsExactly("a");
        feed(assembler, "\nb\n");
        assertThat(lines).containsExactly("a", "b");
    }

    @Test
    void decodesMultiByteUtf8() {
        feed(assembler(), "héllo € 𝄞 日本\n");

        assertThat(lines).containsExactly("héllo € 𝄞 日本");
    }

    @Test
    void replacesMalformedUtf8LikeTheJdkDoes() {
        byte[] line = {'a', (byte) 0xFF, 'b', (byte) 0xE2, (byte) 0x82, 'c', (byte) 0x80, 'd',
            (byte) 0xC3, (byte) 0xA9};
        LineAssembler assembler = assembler();
        feed(assembler, line);
        feed(assembler, (byte) '\n');

        assertThat(lines)
                .containsExactly(new String(line, StandardCharsets.UTF_8))
                .first().asString().contains("\uFFFD").startsWith("a").endsWith("dé");
    }

    @Test
    void truncatedSequenceAtLineEndIsReplaced() {
        feed(assembler(), (byte) 'x', (byte) 0xE2, (byte) 0x82, (byte) '\n', (byte) 'y', (byte) '\n');

        assertThat(lines).containsExactly("x\uFFFD", "y");
    }

    @Test
    void splitsOverlongLines() {
        feed(assembler(10), "a".repeat(25) + "\n" + "b".repeat(10) + "\n");

        assertThat(lines)
                .containsExactly("a".repeat(10), "a".repeat(10), "a".repeat(5), "b".repeat(10));
    }

    @Test
    void splitNeverBreaksASurrogatePair() {
        feed(assembler(10), "a".repeat(9) + "𝄞z\n");

        assertThat(lines).containsExactly("a".repeat(9), "𝄞z");
    }

    @Test
    void partialLineIsTheUnterminatedTail() {
        LineAssembler assembler = assembler();
        feed(assembler, "boot ok\n/ # ");

        assertThat(assembler.partialLine()).isEqualTo("/ # ");
        assertThat(lines).containsExactly("boot ok");
    }

    @Test
    void endKeepsThePartialLineAndIgnoresLaterBytes() {
        LineAssembler assembler = assembler();
        feed(assembler, "done\n/ # ");
        assertThat(assembler.end()).isTrue();
        assertThat(assembler.end()).isFalse();
        feed(assembler, "late\n");

        assertThat(assembler.partialLine()).isEqualTo("/ # ");
        assertThat(lines).containsExactly("done");
    }

    @Test
    void endReplacesAnIncompleteSequenceInThePartialLine() {
        LineAssembler assembler = assembler();
        feed(assembler, (byte) 'x', (byte) 0xE2, (byte) 0x82);
        assertThat(assembler.partialLine()).isEqualTo("x");
        assembler.end();

        assertThat(assembler.partialLine()).isEqualTo("x\uFFFD");
        assertThat(lines).isEmpty();
    }

    @Test
    void rejectsALineLengthThatCannotHoldASurrogatePair() {
        assertThatThrownBy(() -> assembler(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLineLength");
        assertThat(assembler(2).maxLineLength()).isEqualTo(2);
    }
}
