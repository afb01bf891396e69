package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.kmsg.KernelLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A machine's kernel log without the agent (any KVM): empty, never available, ended with the guest. */
@Timeout(120)
class MachineKernelLogTest {

    @TempDir
    Path dir;

    @Test
    void withoutTheAgentTheLogStaysEmptyAndEndsWithTheGuest() throws Exception {
        Path kernel = TinyGuests.write(dir, "guest", TinyGuests.printThenExit("[    1.000000] hello\r\n", 0));
        try (Machine m = Machine.start(MachineConfig.builder(kernel).memoryMiB(32).build())) {
            KernelLog log = m.kernelLog();
            assertThat(m.awaitExit(Duration.ofSeconds(30))).isPresent();
            assertThat(log.isEnded()).isTrue();
            assertThat(log.isAvailable()).isFalse();
            assertThat(log.records()).isEmpty();
            long start = System.nanoTime();
            assertThat(log.awaitRecord(Pattern.compile("hello"), Duration.ofMinutes(1))).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void theKernelLogIsOnByDefault() {
        Path kernel = dir.resolve("bzImage");
        assertThat(MachineConfig.builder(kernel).build().kernelLog()).isTrue();
        assertThat(MachineConfig.builder(kernel).kernelLog(false).build().kernelLog()).isFalse();
        MachineConfig old = MachineConfig.builder(kernel).build();
        assertThat(new MachineConfig(old.kernel(), old.initrd(), old.cmdline(), old.memoryMiB(), old.timeout(),
                old.kvmDevice(), old.agent(), old.silenceTimeout(), old.readyLine()).kernelLog()).isTrue();
    }
}
