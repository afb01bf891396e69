package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.cli.StandardInput.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decision about descriptor 0; the processes that exercise it are in it-tests' CommandLineToolTest. */
class StandardInputTest {

    private static final Path JAVA_HOME = Path.of("/usr/lib/jvm/java-17");
    private static final List<Path> CLASS_PATH = List.of(Path.of("/opt/bootkernel.jar"));

    private static StandardInput classify(boolean wasClosed, String target, boolean terminal) {
        return StandardInput.classify(wasClosed, Optional.ofNullable(target).map(Path::of), terminal, JAVA_HOME,
                CLASS_PATH);
    }

    @Test
    void aClosedDescriptorIsNotRead() throws IOException {
        StandardInput stdin = classify(true, "/dev/null", false);

        assertThat(stdin.kind()).isEqualTo(Kind.NONE);
        assertThat(stdin.why()).contains("/dev/null");
        assertThat(stdin.stream(new ByteArrayInputStream(new byte[] {1})).read()).isEqualTo(-1);
    }

    @Test
    void theJvmsOwnFilesOnDescriptor0AreNotRead() {
        assertThat(classify(false, "/usr/lib/jvm/java-17/lib/modules", false).kind()).isEqualTo(Kind.NONE);
        assertThat(classify(false, "/opt/bootkernel.jar", false).kind()).isEqualTo(Kind.NONE);
        assertThat(classify(false, "/usr/lib/jvm/java-17/lib/modules", false).why())
                .contains("reused descriptor 0 for /usr/lib/jvm/java-17/lib/modules");
    }

    @Test
    void pipesFilesAndTerminalsAreRead() {
        InputStream in = new ByteArrayInputStream(new byte[0]);
        assertThat(classify(false, "/proc/1/fd/pipe:[1234]", false).kind()).isEqualTo(Kind.STREAM);
        assertThat(classify(false, "/home/me/input.txt", false).stream(in)).isSameAs(in);
        assertThat(classify(false, "/dev/pts/3", true).kind()).isEqualTo(Kind.TERMINAL);
        assertThat(classify(false, null, false).kind()).as("link unreadable").isEqualTo(Kind.STREAM);
    }
}
