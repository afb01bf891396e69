package io.github.bootkernel.junit;

import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Run by {@link NativeLibraryMissingTest} in a JVM whose JNA cannot load its native library: runs
 * {@link KvmPolicyTest.NeedsGuest} and prints what became of its tests. The device is
 * {@code /dev/null}, which exists everywhere, so the probe gets as far as loading the native code.
 */
public final class NativeLibraryMissingJvm {

    private NativeLibraryMissingJvm() {
    }

    /** @param args none */
    public static void main(String[] args) {
        EngineExecutionResults results = TestKit.run(KvmPolicyTest.NeedsGuest.class, Settings.KVM_DEVICE, "/dev/null");
        results.testEvents().aborted().stream().forEach(e -> System.out.println("aborted "
                + e.getTestDescriptor().getDisplayName() + ": " + e.getPayload(org.junit.platform.engine
                .TestExecutionResult.class).flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                .map(Throwable::getMessage).orElse("")));
        results.testEvents().failed().stream().forEach(e -> System.out.println("failed "
                + e.getTestDescriptor().getDisplayName()));
        results.testEvents().succeeded().stream().forEach(e -> System.out.println("succeeded "
                + e.getTestDescriptor().getDisplayName()));
    }
}
