package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleOutTest {

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final ConsoleOut console = new ConsoleOut(stderr, "stderr");

    private void print(String text) {
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            console.accept(b & 0xFF);
        }
    }

    @Test
    void aConsoleThatStoppedAtAPromptGetsItsLineEndedBeforeTheToolSpeaks() {
        print("init: ready\n/ # ");

        console.breakLineBefore(stderr);
        console.breakLineBefore(stderr);

        assertThat(stderr.toString(StandardCharsets.ISO_8859_1)).isEqualTo("init: ready\n/ # \n");
    }

    @Test
    void aConsoleAtTheStartOfALineIsLeftAsItIs() {
        print("init: ready\n");

        console.breakLineBefore(stderr);

        assertThat(stderr.toString(StandardCharsets.ISO_8859_1)).isEqualTo("init: ready\n");
    }

    @Test
    void aConsoleOnAnotherStreamIsLeftAsItIs() {
        print("/ # ");

        console.breakLineBefore(new ByteArrayOutputStream());
        console.finish(0);

        assertThat(stderr.toString(StandardCharsets.ISO_8859_1)).isEqualTo("/ # ");
    }
}
