package io.github.bootkernel.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Runs the annotated test class once per configured kernel ({@code bootkernel.kernels=a,b}, else
 * {@code bootkernel.kernel}, else {@code debian-cloud}), or per kernel it names itself
 * ({@link #value()}): all its tests, lifecycle methods and
 * per-class guests, with the kernel's name (its id, or its file name) as the display name of each
 * run. Every {@link BootKernel @BootKernel} guest in a run that names no kernel boots that run's
 * kernel. The tests themselves stay ordinary {@code @Test} methods.
 *
 * <pre>{@code
 * // mvn verify -Dbootkernel.kernels=debian-cloud,debian-generic
 * @KernelMatrix
 * class BootTest {
 *     @BootKernel(initramfs = "busybox", awaitLine = "init: ready")
 *     static Guest shared;
 *
 *     @Test
 *     void noPanic() {
 *         assertThat(shared.console()).doesNotContainPanic();
 *     }
 * }
 * // runs as  BootTest > debian-cloud > noPanic()  and  BootTest > debian-generic > noPanic()
 * }</pre>
 *
 * <p>Per-class guests of a matrix class are static fields: each run gets its own, booted before
 * the run and closed after it. A static field holds one guest at a time, so under JUnit's parallel
 * execution the runs of a matrix class that has one follow one another, each with its tests in
 * one thread (the annotation holds a resource lock per static {@code @BootKernel} field,
 * {@code bootkernel:<declaring class>.<field>}, for writing). {@code @BeforeAll} and
 * {@code @AfterAll} methods run once around all runs, so their {@code @BootKernel} parameters must
 * name a kernel.
 *
 * <p>Built on JUnit's {@link ClassTemplate}, which JUnit still marks experimental.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ClassTemplate
// The extension and lock-provider classes are package-private on purpose: users never name them, and JUnit
// reaches them through the module's "opens" (module-info.java), so javac's "not accessible to clients" is moot.
@SuppressWarnings("exports")
@ExtendWith(KernelMatrixExtension.class)
@ResourceLock(providers = StaticFieldLocks.class)
public @interface KernelMatrix {

    /**
     * The kernels to run the class over, ids or paths, instead of the configured ones: for a class
     * that is about particular kernels, for example {@code @KernelMatrix({"debian-cloud", "tiny"})}.
     *
     * @return the kernels, or none (the default) for {@code bootkernel.kernels}
     */
    String[] value() default {};
}
