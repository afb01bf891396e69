package io.github.bootkernel.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.bootkernel.kernels.probe.ProbeKernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.OutputDirectoryCreator;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs fixture classes through the Jupiter engine with the test kit. */
final class TestKit {

    private TestKit() {
    }

    /** Runs a fixture class with the fixtures enabled, KVM not required, and extra parameters. */
    static EngineExecutionResults run(Class<?> fixture, String... keyValues) {
        return builder(fixture, keyValues).execute();
    }

    /** Runs several fixture classes in one launcher run, like {@link #run(Class, String...)}. */
    static EngineExecutionResults run(List<Class<?>> fixtures, String... keyValues) {
        EngineTestKit.Builder builder = builder(fixtures.get(0), keyValues);
        fixtures.stream().skip(1).forEach(fixture -> builder.selectors(selectClass(fixture)));
        return builder.execute();
    }

    static EngineTestKit.Builder builder(Class<?> fixture, String... keyValues) {
        Map<String, String> parameters = new HashMap<>();
        parameters.put(TestKitOnly.KEY, "true");
        // Independent of the CI variable of the machine running these tests.
        parameters.put(Settings.REQUIRE_KVM, "false");
        // Templates are booted, not loaded from (or saved to) the user's cache: the tests of the
        // snapshot cache turn it on with a directory of their own.
        parameters.put(Settings.SNAPSHOT_CACHE, "false");
        for (int i = 0; i < keyValues.length; i += 2) {
            parameters.put(keyValues[i], keyValues[i + 1]);
        }
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture))
                .configurationParameters(parameters);
    }

    /** The probe's image as a path string, for {@code bootkernel.kernel.<id>} parameters. */
    static String probePath() {
        return ProbeKernel.image().toString();
    }

    /** An output directory for {@code publishFile}: one subdirectory per test. */
    static OutputDirectoryCreator outputDirectories(Path root) {
        return new OutputDirectoryCreator() {
            @Override
            public Path getRootDirectory() {
                return root;
            }

            @Override
            public Path createOutputDirectory(TestDescriptor descriptor) throws IOException {
                String name = descriptor.getUniqueId().toString().replaceAll("[^A-Za-z0-9._-]", "_");
                return Files.createDirectories(root.resolve(name));
            }
        };
    }
}
