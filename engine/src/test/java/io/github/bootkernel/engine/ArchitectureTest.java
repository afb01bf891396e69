package io.github.bootkernel.engine;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The engine's import rules and the shape of its public API, checked on the compiled classes. The
 * exported packages are read from the compiled {@code module-info.class}, so the module descriptor
 * is the one place that says what users may reach.
 */
class ArchitectureTest {

    private static final String ENGINE = "io.github.bootkernel.engine";
    private static final String KVM = ENGINE + ".kvm";

    /** The classes of the kvm package that own a file descriptor, a mapping or a native call. */
    private static final Set<String> KVM_RESOURCES = Set.of("Native", "Fd", "Kvm", "Vm", "Vcpu", "Mapping", "KvmRun")
            .stream().map(name -> KVM + "." + name).collect(Collectors.toSet());

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ENGINE);

    @Test
    void onlyTheNativeLayerTouchesJna() {
        noClasses().that().doNotHaveFullyQualifiedName(KVM + ".Native")
                .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
                .because("kvm.Native is the one place that calls native code")
                .check(MAIN);
    }

    @Test
    void devicesDependOnNothingButTheJdkAndThemselves() {
        classes().that().resideInAPackage(ENGINE + ".devices..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", ENGINE + ".devices..")
                .because("a device model is a register state machine that runs in a unit test")
                .check(MAIN);
    }

    @Test
    void theConsoleDependsOnNothingButTheJdkAndItself() {
        classes().that().resideInAPackage(ENGINE + ".console..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", ENGINE + ".console..")
                .because("the console turns bytes into lines and knows nothing of how they were produced")
                .check(MAIN);
    }

    @Test
    void theReportScannerDependsOnNothingButTheJdkAndItself() {
        classes().that().resideInAPackage(ENGINE + ".report..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", ENGINE + ".report..")
                .because("the scanner reads console lines and knows nothing of how they were produced")
                .check(MAIN);
    }

    @Test
    void theAgentDependsOnNothingButTheJdkItselfAndTheEnginesExceptions() {
        classes().that().resideInAPackage(ENGINE + ".agent..")
                .should().onlyDependOnClassesThat(describe("are in the JDK, the agent packages or the engine's"
                        + " exceptions", (JavaClass c) -> c.getPackageName().startsWith("java.")
                        || c.getPackageName().startsWith(ENGINE + ".agent")
                        || c.getName().startsWith(ENGINE + ".AgentException")
                        || c.getName().equals(ENGINE + ".EngineException")))
                .because("the command channel is bytes in, bytes out: the machine wires it to the UART")
                .check(MAIN);
    }

    @Test
    void ktapDependsOnNothingButTheJdkAndItself() {
        classes().that().resideInAPackage(ENGINE + ".ktap..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", ENGINE + ".ktap..")
                .because("KTAP is read from lines, wherever they come from")
                .check(MAIN);
    }

    @Test
    void theKernelLogDependsOnNothingButTheJdkItselfAndTheAgentsReceiver() {
        classes().that().resideInAPackage(ENGINE + ".kmsg..")
                .should().onlyDependOnClassesThat(describe("are in the JDK, the kmsg packages or the agent channel's"
                        + " KlogReceiver and KlogSyncer", (JavaClass c) -> c.getPackageName().startsWith("java.")
                        || c.getPackageName().startsWith(ENGINE + ".kmsg")
                        || c.getName().equals(ENGINE + ".agent.internal.KlogReceiver")
                        || c.getName().equals(ENGINE + ".agent.internal.KlogSyncer")))
                .because("records are parsed from bytes, wherever they come from; the channel only delivers them")
                .check(MAIN);
    }

    @Test
    void onlyTheCommandLineToolUsesTheKernelsModule() {
        noClasses().that().resideOutsideOfPackage(ENGINE + ".cli..")
                .should().dependOnClassesThat().resideInAPackage("io.github.bootkernel.kernels..")
                .because("the engine library boots what it is given; only the tool picks images"
                        + " (module-info: requires static)")
                .check(MAIN);
    }

    @Test
    void theSerialStreamsDependOnNothingButTheJdkAndTheDevices() {
        classes().that().resideInAPackage(ENGINE + ".serial..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", ENGINE + ".serial..",
                        ENGINE + ".devices..")
                .because("COM2's byte streams sit between a device model and the host; they hold no KVM resource")
                .check(MAIN);
    }

    @Test
    void theBootProtocolHoldsNoKvmResource() {
        noClasses().that().resideInAPackage(ENGINE + ".boot..")
                .should().dependOnClassesThat(describe("own a KVM file descriptor, mapping or native call",
                        (JavaClass c) -> KVM_RESOURCES.contains(c.getName())))
                .because("the loader and the CPU set-up return descriptions; the vCPU layer applies them")
                .check(MAIN);
    }

    @Test
    void theExportedPackagesAreTheApiAndTheConsole() throws IOException {
        assertThat(exportedPackages()).containsExactlyInAnyOrder(ENGINE, ENGINE + ".console", ENGINE + ".agent",
                ENGINE + ".ktap", ENGINE + ".kmsg",
                ENGINE + ".report");
    }

    @Test
    void noPublicTypeExposesNativeMemory() {
        List<String> leaks = ApiShape.publicMembers(MAIN).stream()
                .filter(m -> m.mentions(ApiShape::isNativeMemory))
                .map(ApiShape.Member::toString).toList();
        assertThat(leaks).as("public members of public engine types that expose a ByteBuffer or a JNA type")
                .isEmpty();
    }

    @Test
    void exportedTypesExposeOnlyExportedTypes() throws IOException {
        Set<String> exported = exportedPackages();
        List<String> leaks = ApiShape.publicMembers(MAIN).stream()
                .filter(m -> exported.contains(m.owner().getPackageName()))
                .filter(m -> m.mentions(type -> type.getName().startsWith(ENGINE + ".")
                        && !exported.contains(type.getPackageName())))
                .map(ApiShape.Member::toString).toList();
        assertThat(leaks).as("public members of exported types that expose an internal engine type").isEmpty();
    }

    /** The packages the engine's module descriptor exports, on the module path or the class path. */
    static Set<String> exportedPackages() throws IOException {
        ModuleDescriptor named = Machine.class.getModule().getDescriptor();
        if (named != null) {
            return named.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        }
        // On the class path every jar's module-info.class has the same name: read the engine's own.
        Path classes = Path.of(URI.create(Machine.class.getProtectionDomain().getCodeSource().getLocation().toString()));
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            return ModuleDescriptor.read(in).exports().stream().map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toSet());
        }
    }
}
