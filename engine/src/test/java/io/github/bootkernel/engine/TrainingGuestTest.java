package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's training guest ({@code src/build/training-guest.bzImage}, booted by the command-line
 * tool at build time to make the class-data archive {@code target/bootkernel.jsa}) is the tiny guest
 * this test builds: it prints a line on COM1 and resets through the i8042, so it runs on any KVM, PVM
 * included. To regenerate the file after a change, run this test with
 * {@code -Dbootkernel.writeTrainingGuest=true}.
 */
class TrainingGuestTest {

    private static final Path FILE = Path.of("src/build/training-guest.bzImage");

    private static byte[] expected() {
        return TinyGuests.bzImage(TinyGuests.printThen("bootkernel: training run\n", TinyGuests.i8042Reset()));
    }

    @Test
    void committedImageIsTheTinyGuest() throws IOException {
        if (Boolean.getBoolean("bootkernel.writeTrainingGuest")) {
            Files.write(FILE, expected());
        }
        assertThat(Files.readAllBytes(FILE)).isEqualTo(expected());
    }

    @Test
    void toolBootsItToItsLineAndAReset(@TempDir Path dir) throws IOException {
        Path kernel = Files.copy(FILE, dir.resolve("training-guest.bzImage"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--kernel", kernel.toString(), "--memory", "32", "--timeout", "30"},
                InputStream.nullInputStream(), out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.US_ASCII)).contains("bootkernel: training run");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("guest ended: RESET");
        assertThat(status).isZero();
    }
}
