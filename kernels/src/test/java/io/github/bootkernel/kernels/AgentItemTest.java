package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.internal.FileChecks;
import java.io.File;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The catalog's {@code agent} item; the agent's behaviour is tested in the {@code agent} test package. */
class AgentItemTest {

    @Test
    void compilesToAStaticExecutableCachedByTheSourceHash() {
        CachedFile agent = Catalog.AGENT.get();

        assertThat(agent.id()).isEqualTo("agent");
        assertThat(agent.version()).matches("[0-9a-f]{16}");
        assertThat(agent.path()).isExecutable()
                .isEqualTo(Cache.root().resolve("agent").resolve(agent.version()).resolve("bootkernel-agent"));
        assertThat(FileChecks.staticElfProblem(agent.path())).isNull();
        assertThat(agent.origin()).contains("kernels/src/main/c/agent.c", "gcc", "-static");
        assertThat(Catalog.AGENT.get()).isEqualTo(agent);
        assertThat(Catalog.AGENT.preparedByDefault()).isTrue();
    }

    @Test
    void rejectsUnknownOptionsWithUsage() throws Exception {
        assertThat(run("--bogus")).startsWith("2: ").contains("usage: bootkernel-agent [--kmsg PATH] [DEVICE]", "--stdio");
        assertThat(run("--kmsg")).as("--kmsg without its path").startsWith("2: ").contains("usage: ");
        assertThat(run("--stdio", "/dev/ttyS1")).as("a device and --stdio").startsWith("2: ").contains("usage: ");
    }

    @Test
    void exitsWithStatus2WhenItsDeviceCannotBeOpened() throws Exception {
        assertThat(run("/nonexistent/ttyS1"))
                .isEqualTo("2: bootkernel-agent: cannot open /nonexistent/ttyS1: No such file or directory\n");
    }

    /** Runs the agent with these arguments; returns its exit status, ": " and its output. */
    private static String run(String... arguments) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(Catalog.AGENT.get().path().toString()));
        command.addAll(java.util.List.of(arguments));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue() + ": " + output;
    }
}
