package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * {@code @BootKernel(fromSnapshot = true)} templates in the snapshot cache on a real kernel (issue
 * 13): a class whose guests are clones of the tiny kernel with the busybox image (which starts the
 * agent) is run twice through the launcher ({@link EngineTestKit}, each run a new root store, as a
 * new JVM): the first run boots the template and saves it to a file, the second loads the file
 * and boots nothing, and commands run through the agent in its clones: the agent channel's state
 * survives the file, and each clone is reseeded (its random bytes differ from every other
 * clone's, in either run).
 */
@ExtendWith(StockKernelHost.class)
class SnapshotFileIT {

    /** The fixture runs only inside {@link #run}, which sets this configuration parameter. */
    static final String FIXTURE = "bootkernel.it.snapshotFileFixture";

    private static final Pattern SAVED = Pattern.compile("; saved to the cache file (\\S+/snapshot\\.bin) in ([0-9.]+) s");
    private static final Pattern LOADED = Pattern.compile(": no boot, loaded from the snapshot cache in ([0-9.]+) s: "
            + "snapshot [0-9]+ of \\S+ \\([^)]*, loaded from (\\S+/snapshot\\.bin)\\)");

    @TempDir
    Path dir;

    @Test
    void theSecondRunLoadsTheTemplateFromItsFileAndItsClonesRunCommandsThroughTheAgent() throws IOException {
        Clones.RANDOM.clear();
        EngineExecutionResults first = run();
        first.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        String booted = template(first);
        Matcher saved = SAVED.matcher(booted);
        assertThat(saved.find()).as(booted).isTrue();
        Path file = Path.of(saved.group(1));
        assertThat(file).isRegularFile().startsWith(dir.resolve("cache"));

        EngineExecutionResults second = run();

        second.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        String loaded = template(second);
        Matcher load = LOADED.matcher(loaded);
        assertThat(load.find()).as(loaded).isTrue();
        assertThat(Path.of(load.group(2))).isEqualTo(file);
        assertThat(entries(second, "bootkernel.snapshotCache")).as("no warning").isEmpty();
        assertThat(Clones.RANDOM).as("four clones, each reseeded").hasSize(4).doesNotHaveDuplicates();
        System.out.printf("snapshot file: first run booted and saved (%s s to save %d MiB of file), second run"
                + " loaded it in %s s; %s%n", saved.group(2), Files.size(file) >> 20, load.group(1), booted);
    }

    private EngineExecutionResults run() {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(Clones.class))
                .configurationParameters(Map.of(FIXTURE, "true", "bootkernel.snapshotCache",
                        dir.resolve("cache").toString(), "bootkernel.reportDir", dir.resolve("report").toString()))
                .execute();
    }

    private static List<String> entries(EngineExecutionResults results, String key) {
        return results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs())
                .filter(m -> m.containsKey(key)).map(m -> m.get(key)).toList();
    }

    private static String template(EngineExecutionResults results) {
        List<String> templates = entries(results, "bootkernel.template");
        assertThat(templates).as("one template per run").hasSize(1);
        return templates.get(0);
    }

    /** Enables {@link Clones} only in {@link #run}. */
    static final class OnlyInTheTestKit implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(FIXTURE).isPresent()
                    ? ConditionEvaluationResult.enabled("run by SnapshotFileIT")
                    : ConditionEvaluationResult.disabled("a fixture of SnapshotFileIT, run through the test kit only");
        }
    }

    /** Two clones of one template: each runs a command through the agent and reads random bytes. */
    @ExtendWith(OnlyInTheTestKit.class)
    static class Clones {
        static final List<String> RANDOM = new CopyOnWriteArrayList<>();

        @Test
        void one(@BootKernel(kernel = "tiny", initramfs = "busybox", cmdline = "quiet", awaitLine = "init: ready",
                bootTimeout = 180, fromSnapshot = true) Guest guest) throws InterruptedException {
            commands(guest);
        }

        @Test
        void two(@BootKernel(kernel = "tiny", initramfs = "busybox", cmdline = "quiet", awaitLine = "init: ready",
                bootTimeout = 180, fromSnapshot = true) Guest guest) throws InterruptedException {
            commands(guest);
        }

        private static void commands(Guest guest) throws InterruptedException {
            ExecResult echo = guest.exec("echo", "through the agent");
            assertThat(echo.exitCode()).as("%s", echo).hasValue(0);
            assertThat(echo.stdout()).isEqualTo("through the agent\n");
            ExecResult random = guest.exec("sh", "-c", "head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n'");
            assertThat(random.exitCode()).as("%s", random).hasValue(0);
            assertThat(random.stdout()).matches("[0-9a-f]{32}");
            RANDOM.add(random.stdout());
        }
    }
}
