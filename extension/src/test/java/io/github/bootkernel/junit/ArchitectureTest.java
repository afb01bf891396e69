package io.github.bootkernel.junit;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.kernels.Catalog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The extension reaches the engine and the kernels module only through the packages their module
 * descriptors export. The compiler enforces this on the module path; this test holds it on the class
 * path, where most users run, and for code the compiler never sees (reflection aside).
 */
class ArchitectureTest {

    private static final JavaClasses EXTENSION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.bootkernel.junit");

    @Test
    void usesOnlyTheEnginesExportedPackages() throws IOException {
        onlyExportedPackagesOf("io.github.bootkernel.engine", exports(Machine.class));
    }

    @Test
    void usesOnlyTheKernelsModulesExportedPackages() throws IOException {
        onlyExportedPackagesOf("io.github.bootkernel.kernels", exports(Catalog.class));
    }

    @Test
    void theDescriptorsExportWhatTheirDocumentationSays() throws IOException {
        assertThat(exports(Machine.class)).containsExactlyInAnyOrder("io.github.bootkernel.engine",
                "io.github.bootkernel.engine.console", "io.github.bootkernel.engine.agent",
                "io.github.bootkernel.engine.ktap", "io.github.bootkernel.engine.kmsg",
                "io.github.bootkernel.engine.report");
        assertThat(exports(Catalog.class)).containsExactlyInAnyOrder("io.github.bootkernel.kernels",
                "io.github.bootkernel.kernels.initramfs", "io.github.bootkernel.kernels.probe");
    }

    private static void onlyExportedPackagesOf(String module, Set<String> exported) {
        noClasses().should().dependOnClassesThat(describe("are in a package of " + module + " it does not export "
                + exported, (JavaClass c) -> c.getPackageName().startsWith(module)
                && !exported.contains(c.getPackageName())))
                .check(EXTENSION);
    }

    /** The exported packages of the module that holds {@code type}: its own module-info.class. */
    private static Set<String> exports(Class<?> type) throws IOException {
        Path location = Path.of(URI.create(type.getProtectionDomain().getCodeSource().getLocation().toString()));
        if (Files.isDirectory(location)) {
            try (InputStream in = Files.newInputStream(location.resolve("module-info.class"))) {
                return exports(in);
            }
        }
        try (JarFile jar = new JarFile(location.toFile()); InputStream in = jar.getInputStream(
                jar.getEntry("module-info.class"))) {
            return exports(in);
        }
    }

    private static Set<String> exports(InputStream moduleInfo) throws IOException {
        return ModuleDescriptor.read(moduleInfo).exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
    }
}
