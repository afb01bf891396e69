package io.github.bootkernel.junit;

import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.kernels.Cache;
import io.github.bootkernel.kernels.Catalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The configuration keys, read through JUnit's configuration parameters: explicit launcher
 * parameters, then JVM system properties ({@code -Dkey=value}), then
 * {@code junit-platform.properties}. The names are documented in {@code package-info.java}.
 */
final class Settings {

    static final String KERNEL = "bootkernel.kernel";
    static final String KERNELS = "bootkernel.kernels";
    static final String KERNEL_ID_PREFIX = "bootkernel.kernel.";
    static final String INITRAMFS_ID_PREFIX = "bootkernel.initramfs.";
    static final String REQUIRE_KVM = "bootkernel.requireKvm";
    static final String KVM_DEVICE = "bootkernel.kvmDevice";
    static final String REPORT_DIR = "bootkernel.reportDir";
    static final String BOOT_TIMEOUT = "bootkernel.bootTimeout";
    static final String TIMEOUT = "bootkernel.timeout";
    static final String EXEC_TIMEOUT = "bootkernel.execTimeout";
    static final String FAIL_ON_REPORTS = "bootkernel.failOnReports";
    static final String SILENCE_TIMEOUT = "bootkernel.silenceTimeout";
    static final String CPUS = "bootkernel.cpus";
    static final String SNAPSHOT_CACHE = "bootkernel.snapshotCache";

    static final String DEFAULT_KERNEL = Catalog.DEBIAN_CLOUD.id();
    static final Path DEFAULT_REPORT_DIR = Path.of("target", "bootkernel");
    static final Duration DEFAULT_BOOT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    static final Duration DEFAULT_EXEC_TIMEOUT = Exec.DEFAULT_TIMEOUT;
    /** The snapshot cache's directory in the bootkernel cache ({@link Cache#root()}). */
    static final String SNAPSHOT_CACHE_DIR = "snapshots";

    private Settings() {
    }

    /**
     * The configured kernels: {@code bootkernel.kernels} split at commas, else
     * {@code bootkernel.kernel}, else {@link Catalog#DEBIAN_CLOUD}.
     */
    static List<String> kernels(ExtensionContext context) {
        Optional<String> list = parameter(context, KERNELS);
        if (list.isPresent()) {
            List<String> names = Arrays.stream(list.get().split(",")).map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
            if (names.isEmpty()) {
                throw new ExtensionConfigurationException(KERNELS + " is set but names no kernel: '"
                        + list.get() + "'; give ids or paths separated by commas");
            }
            return names;
        }
        return List.of(parameter(context, KERNEL).orElse(DEFAULT_KERNEL));
    }

    /** The path configured for a user kernel id, {@code bootkernel.kernel.<id>}. */
    static Optional<String> kernelId(ExtensionContext context, String id) {
        return parameter(context, KERNEL_ID_PREFIX + id);
    }

    /** The path configured for a user initramfs id, {@code bootkernel.initramfs.<id>}. */
    static Optional<String> initramfsId(ExtensionContext context, String id) {
        return parameter(context, INITRAMFS_ID_PREFIX + id);
    }

    /** Whether a missing KVM fails rather than aborts: {@code bootkernel.requireKvm}, else {@code CI=true}. */
    static boolean requireKvm(ExtensionContext context) {
        return parameter(context, REQUIRE_KVM).map(Boolean::parseBoolean)
                .orElseGet(() -> "true".equalsIgnoreCase(System.getenv("CI")));
    }

    static Path kvmDevice(ExtensionContext context) {
        return parameter(context, KVM_DEVICE).map(Path::of).orElse(MachineConfig.DEFAULT_KVM_DEVICE);
    }

    static Path reportDir(ExtensionContext context) {
        return parameter(context, REPORT_DIR).map(Path::of).orElse(DEFAULT_REPORT_DIR);
    }

    /**
     * The kinds of kernel report that fail a test: the annotation's list if set, else
     * {@code bootkernel.failOnReports}, else {@link ReportPolicy#DEFAULT}.
     */
    static Set<KernelReport.Kind> failOnReports(ExtensionContext context, String annotated, String declaration) {
        if (!annotated.isBlank()) {
            try {
                return ReportPolicy.parse(annotated);
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException("@BootKernel(failOnReports = \"" + annotated + "\") on "
                        + declaration + ": " + e.getMessage(), e);
            }
        }
        return parameter(context, FAIL_ON_REPORTS).map(v -> {
            try {
                return ReportPolicy.parse(v);
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException(FAIL_ON_REPORTS + ": " + e.getMessage(), e);
            }
        }).orElse(ReportPolicy.DEFAULT);
    }

    /**
     * The annotation's seconds if positive, else the configured default, else {@code fallback}
     * (which may be null: none).
     */
    static Duration seconds(ExtensionContext context, int annotated, String key, Duration fallback) {
        if (annotated > 0) {
            return Duration.ofSeconds(annotated);
        }
        return parameter(context, key).map(v -> {
            try {
                long s = Long.parseLong(v.strip());
                if (s > 0) {
                    return Duration.ofSeconds(s);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ExtensionConfigurationException(key + " must be a positive number of seconds, not '" + v + "'");
        }).orElse(fallback);
    }

    /**
     * The vCPUs of a guest: the annotation's count if it sets one (not 0), else {@code bootkernel.cpus},
     * else {@link MachineConfig#DEFAULT_CPUS}. The annotation's count is checked by the caller
     * ({@code Boot}, with the declaration's name), the key's here; both by
     * {@link MachineConfig#requireCpus(int)}.
     *
     * @throws ExtensionConfigurationException if the key is not a whole number from
     *     {@value MachineConfig#MIN_CPUS} to {@value MachineConfig#MAX_CPUS}, naming the key and its value
     */
    static int cpus(ExtensionContext context, int annotated) {
        if (annotated != 0) {
            return annotated;
        }
        return parameter(context, CPUS).map(v -> {
            try {
                return MachineConfig.requireCpus(Integer.parseInt(v));
            } catch (IllegalArgumentException e) { // NumberFormatException included
                throw new ExtensionConfigurationException(CPUS + " must be a number of vCPUs from "
                        + MachineConfig.MIN_CPUS + " to " + MachineConfig.MAX_CPUS + ", not '" + v + "'", e);
            }
        }).orElse(MachineConfig.DEFAULT_CPUS);
    }

    /**
     * Whether templates of {@link BootKernel#fromSnapshot()} are looked for in, and saved to, the
     * snapshot cache: {@code bootkernel.snapshotCache} is not {@code false}.
     */
    static boolean snapshotCacheOn(ExtensionContext context) {
        return !parameter(context, SNAPSHOT_CACHE).map(v -> v.equalsIgnoreCase("false")).orElse(false);
    }

    /**
     * The snapshot cache ({@link SnapshotCache}): {@code bootkernel.snapshotCache} unset or
     * {@code true}: {@code <bootkernel cache>/snapshots} ({@link Cache#root()}, which honours
     * {@code -Dbootkernel.cache}); {@code false}: none; any other value: that directory.
     *
     * @throws java.io.UncheckedIOException if the bootkernel cache cannot be created
     */
    static Optional<SnapshotCache> snapshotCache(ExtensionContext context) {
        Optional<String> value = parameter(context, SNAPSHOT_CACHE);
        if (value.isEmpty() || value.get().equalsIgnoreCase("true")) {
            return Optional.of(new SnapshotCache(Cache.root().resolve(SNAPSHOT_CACHE_DIR)));
        }
        if (value.get().equalsIgnoreCase("false")) {
            return Optional.empty();
        }
        return Optional.of(new SnapshotCache(Path.of(value.get())));
    }

    private static Optional<String> parameter(ExtensionContext context, String key) {
        return context.getConfigurationParameter(key).map(String::strip).filter(s -> !s.isEmpty());
    }
}
