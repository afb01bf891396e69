package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.internal.FileChecks;
import java.io.File;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExitStatusHelperTest {

    @Test
    void compilesToAStaticExecutableCachedByTheSourceHash() {
        CachedFile helper = Catalog.EXIT_STATUS.get();

        assertThat(helper.id()).isEqualTo("exit-status");
        assertThat(helper.version()).matches("[0-9a-f]{16}");
        assertThat(helper.path()).isExecutable()
                .isEqualTo(Cache.root().resolve("exit-status").resolve(helper.version()).resolve("exit-status"));
        assertThat(FileChecks.staticElfProblem(helper.path())).isNull();
        assertThat(helper.origin()).contains("exit-status.c", "gcc", "-static");
        assertThat(Catalog.EXIT_STATUS.get()).isEqualTo(helper);
    }

    @Test
    void sourceUsesIopermAndOutbOnPort0xf4() {
        assertThat(ExitStatusHelper.source()).contains("ioperm(EXIT_PORT, 1, 1)", "outb(", "#define EXIT_PORT 0xf4");
        assertThat(ExitStatusHelper.PORT).isEqualTo(0xf4);
    }

    // Only usage errors are run here: a valid status would really write to port 0xf4 of this machine.
    @Test
    void rejectsMissingOrInvalidArgumentsWithUsage() throws Exception {
        String helper = Catalog.EXIT_STATUS.get().path().toString();
        for (List<String> command : List.of(List.of(helper), List.of(helper, "256"), List.of(helper, "3x"),
                List.of(helper, "-1"), List.of(helper, "1", "2"))) {
            File log = Files.createTempFile("exit-status", ".log").toFile();
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).as("exit status of %s", command).isEqualTo(2);
                assertThat(Files.readString(log.toPath())).contains("usage: exit-status STATUS");
            } finally {
                Files.delete(log.toPath());
            }
        }
    }
}
