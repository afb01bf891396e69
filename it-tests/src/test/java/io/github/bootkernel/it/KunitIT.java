package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.EventType;

/**
 * The README's KUnit class ({@code io.github.bootkernel.demo.KunitDemo}: {@code tiny-kunit} booted with {@code loglevel=7},
 * {@code KtapTests.of(guest)}) run through the JUnit Platform test kit: every suite becomes a
 * container and every case a test with the name and status that {@code kunit.py parse} gave for
 * the same kernel's console (kept in the engine's test resources as
 * {@code tiny-kunit-6.1.kunit-parse}, from Debian's linux-source-6.1 6.1.192-3:
 * {@code tools/testing/kunit/kunit.py parse console.txt}). kunit.py's PASSED is JUnit's
 * SUCCESSFUL, SKIPPED is ABORTED (reported as skipped), FAILED and CRASHED are FAILED.
 */
@ExtendWith(StockKernelHost.class)
class KunitIT {

    private static final Path EXPECTED = Path.of(
            "../engine/src/test/resources/io/github/bootkernel/engine/ktap/tiny-kunit-6.1.kunit-parse");
    private static final Pattern HEADER = Pattern.compile("=+ ([^\\[].*?)(?: \\(\\d+ subtests?\\))? =+");
    private static final Pattern CASE = Pattern.compile("\\[([A-Z ]+)\\] (.*)");

    @Test
    void everySuiteAndCaseAppearsAsKunitPyParsedThem() throws IOException {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass("io.github.bootkernel.demo.KunitDemo")).execute();

        List<String> expected = expected(Files.readAllLines(EXPECTED));
        assertThat(expected).hasSize(27 + 221);
        assertThat(outcomes(results)).containsExactlyElementsOf(expected);
    }

    /** kunit.py's suites and cases, as the JUnit nodes they should become. */
    private static List<String> expected(List<String> kunitPy) {
        List<String> nodes = new ArrayList<>();
        for (String line : kunitPy) {
            Matcher m;
            if ((m = HEADER.matcher(line)).matches()) {
                nodes.add("container " + m.group(1));
            } else if ((m = CASE.matcher(line)).matches()) {
                String status = switch (m.group(1)) {
                    case "PASSED" -> "SUCCESSFUL";
                    case "SKIPPED" -> "ABORTED";
                    default -> "FAILED";
                };
                nodes.add("test " + m.group(2) + " " + status);
            }
        }
        return nodes;
    }

    /** The dynamic nodes in the order they started; tests with how they finished. */
    private static List<String> outcomes(EngineExecutionResults results) {
        Map<String, String> nodes = new LinkedHashMap<>();
        results.allEvents().stream()
                .filter(e -> e.getTestDescriptor().getUniqueId().toString().contains("dynamic-"))
                .forEach(e -> {
                    TestDescriptor node = e.getTestDescriptor();
                    String key = node.getUniqueId().toString();
                    if (e.getType() == EventType.STARTED) {
                        nodes.put(key, (node.isContainer() ? "container " : "test ") + node.getDisplayName());
                    } else if (e.getType() == EventType.FINISHED && node.isTest()) {
                        nodes.computeIfPresent(key, (k, v) -> v + " "
                                + e.getRequiredPayload(TestExecutionResult.class).getStatus());
                    }
                });
        return List.copyOf(nodes.values());
    }
}
