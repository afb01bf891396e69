package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.TinyGuests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool's silence watchdog and its summary line's boot phases, in-process on hand-assembled
 * guests (any KVM).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // fail, never hang the build
class MainWatchTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderrBytes = new ByteArrayOutputStream();

    private int run(byte[] guest, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--kernel", TinyGuests.write(dir, "guest", guest).toString(),
                "--memory", "32"));
        args.addAll(List.of(more));
        return Main.run(args.toArray(String[]::new), new ByteArrayInputStream(new byte[0]), stdout,
                new PrintStream(stderrBytes, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return stderrBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aGuestThatGoesQuietEndsWithItsOwnStatusNamingTheLastLine() throws Exception {
        int status = run(TinyGuests.printThen("init: ready\r\n/ # ", TinyGuests.SPIN),
                "--silence-timeout", "1", "--timeout", "60");
        System.out.print(stderr());
        assertThat(status).isEqualTo(ExitCodes.SILENT).isEqualTo(121);
        assertThat(stderr()).containsPattern("bootkernel: guest ended: SILENT: no console output for 1 s; the last"
                + " line, 1\\.[0-9] s ago: 'init: ready'; after it, unterminated, 1\\.[0-9] s ago: '/ # ' \\(");
    }

    @Test
    void theSummaryLineHasTheBootPhases() throws Exception {
        int status = run(TinyGuests.printThenExit("[    0.5] Run /init as init process\r\n", 0));
        assertThat(status).isZero();
        assertThat(stderr()).containsPattern("bootkernel: guest ended: exit status 0 \\([0-9.]+ s: monitor ready"
                + " [0-9.]+ s, first console byte [0-9.]+ s, Run /init [0-9.]+ s, end [0-9.]+ s; [0-9]+ VM exits?"
                + "(, [0-9]+ coalesced port writes?)?\\)");
    }
}
