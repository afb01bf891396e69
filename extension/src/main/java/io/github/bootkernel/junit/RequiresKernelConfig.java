package io.github.bootkernel.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class or method only on kernels built with the given options; on a
 * kernel without them it is skipped, with the reason naming the kernel and each missing option.
 * With {@link KernelMatrix @KernelMatrix} or {@link KernelTest @KernelTest} each kernel's run
 * decides for itself, so a class runs in full on the kernels that have the options and is skipped
 * on the others.
 *
 * <pre>{@code
 * @KernelMatrix({"tiny", "tiny-kunit"})
 * @RequiresKernelConfig("KUNIT")
 * class KunitTest {
 *     @BootKernel(initramfs = "busybox", cmdline = "loglevel=7", awaitLine = "# Totals:")
 *     static Guest guest;
 *     ...
 * }
 * // KunitTest > tiny         skipped: kernel tiny lacks CONFIG_KUNIT (it is not set) ...
 * // KunitTest > tiny-kunit   runs
 * }</pre>
 *
 * <h2>Which kernels are checked</h2>
 * The kernels the guests of the element boot: for a test, those of its {@code @BootKernel}
 * parameters and of the fields and lifecycle-method parameters of its class (and enclosing
 * classes); for a class, those of its per-class guests (static fields, {@code @BeforeAll}
 * parameters), and, in a {@code @KernelMatrix} run, that run's kernel. A declaration that names no
 * kernel boots the run's kernel (the matrix run's, else the configured one). Requirements on a
 * class and on its methods (and on enclosing classes) add up. Kernels are looked up, and fetched or
 * built if needed, while the condition is evaluated, before any guest boots.
 *
 * <h2>Which configuration</h2>
 * The one kept beside the kernel (see {@link BootKernel#kernel()}). A kernel whose configuration
 * is unknown cannot be shown to have the options: its tests are skipped, and the reason says why
 * the configuration is unknown.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
// The condition class is package-private on purpose: users never name it, and JUnit reaches it
// through the module's "opens" (module-info.java), so javac's "not accessible to clients" is moot.
@SuppressWarnings("exports")
@ExtendWith(KernelConfigCondition.class)
public @interface RequiresKernelConfig {

    /**
     * The options, with or without {@code CONFIG_}: a name ({@code "KUNIT"}) is met when the option
     * is built in or a module ({@code y} or {@code m}); {@code "NAME=VALUE"} when the value is
     * exactly as {@code .config} writes it ({@code "KASAN=y"}, {@code "LOG_BUF_SHIFT=17"},
     * {@code "LOCALVERSION=\"\""}, {@code "DEVPORT=n"}, where {@code n} also matches an option the
     * configuration does not mention).
     *
     * @return the options, all of which must hold
     */
    String[] value();
}
