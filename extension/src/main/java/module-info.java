/**
 * {@code @BootKernel} for JUnit Jupiter: a test gets a booted Linux kernel as a
 * {@link io.github.bootkernel.junit.Guest} and asserts on it with AssertJ
 * ({@link io.github.bootkernel.junit.GuestAssertions}). Exported: {@code io.github.bootkernel.junit}.
 *
 * <p>It reads the engine and the kernels module only through their exported packages (the
 * compiler enforces it here; {@code ArchitectureTest} checks it on the class path too).
 */
module io.github.bootkernel.extension {
    requires transitive io.github.bootkernel.engine;
    requires transitive io.github.bootkernel.kernels;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;

    exports io.github.bootkernel.junit;

    // JUnit instantiates the package-private extension classes reflectively.
    opens io.github.bootkernel.junit to org.junit.platform.commons;
}
