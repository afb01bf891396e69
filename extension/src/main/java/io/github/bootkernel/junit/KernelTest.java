package io.github.bootkernel.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Used instead of {@code @Test}: the method runs once per configured kernel
 * ({@code bootkernel.kernels=a,b}, else {@code bootkernel.kernel}, else {@code debian-cloud}), and
 * each run's display name is the kernel's name (its id, or its file name). Every
 * {@link BootKernel @BootKernel} guest of the run that names no kernel boots that run's kernel.
 *
 * <pre>{@code
 * // mvn verify -Dbootkernel.kernels=debian-cloud,/boot/vmlinuz-6.12.0
 * @KernelTest
 * void reachesInit(@BootKernel(initramfs = "busybox") Guest guest) {
 *     assertThat(guest.console()).emitsWithin(Duration.ofSeconds(30), "init: ready");
 * }
 * // runs as  reachesInit(Guest) > debian-cloud  and  reachesInit(Guest) > vmlinuz-6.12.0
 * }</pre>
 *
 * <p>To run a whole class, per-class guests included, once per kernel, annotate the class with
 * {@link KernelMatrix @KernelMatrix} instead.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@TestTemplate
// The extension class is package-private on purpose: users never name it, and JUnit reaches it
// through the module's "opens" (module-info.java), so javac's "not accessible to clients" is moot.
@SuppressWarnings("exports")
@ExtendWith(KernelMatrixExtension.class)
public @interface KernelTest {
}
