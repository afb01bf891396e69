package io.github.bootkernel.junit;

import io.github.bootkernel.kernels.KernelConfig;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.BeforeClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;
import org.opentest4j.TestAbortedException;

/**
 * The condition behind {@link RequiresKernelConfig}: finds the requirements of a class or test
 * and the kernels its guests boot, and disables it on a kernel that lacks an option or whose
 * configuration is unknown; in a {@link KernelMatrix} run, aborts the run before its guests boot.
 */
final class KernelConfigCondition implements ExecutionCondition, BeforeClassTemplateInvocationCallback {

    /**
     * A {@link KernelMatrix} run is not a context that conditions disable, and it boots its static
     * guests before its tests: a run whose kernel lacks the options is aborted before that, with
     * the same reason.
     */
    @Override
    public void beforeClassTemplateInvocation(ExtensionContext context) {
        ConditionEvaluationResult result = evaluateExecutionCondition(context);
        if (result.isDisabled()) {
            throw new TestAbortedException(result.getReason().orElse("disabled by @RequiresKernelConfig"));
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Set<String> required = requirements(context);
        if (required.isEmpty()) {
            return ConditionEvaluationResult.enabled("no @RequiresKernelConfig");
        }
        Set<String> kernels = kernels(context);
        if (kernels.isEmpty()) {
            return ConditionEvaluationResult.enabled("no kernel to check yet: each run checks its own");
        }
        String annotation = "@RequiresKernelConfig(" + String.join(", ", required) + ")";
        for (String entry : kernels) {
            Images.Kernel kernel = Images.kernel(context, entry);
            KernelConfigs.Lookup lookup = KernelConfigs.of(context, kernel);
            if (lookup.config().isEmpty()) {
                return ConditionEvaluationResult.disabled("the configuration of kernel " + kernel.name()
                        + " is unknown, so " + annotation + " cannot be shown to hold: " + lookup.unknownBecause());
            }
            KernelConfig config = lookup.config().get();
            List<String> unmet = required.stream().filter(r -> !holds(config, r)).map(r -> describe(config, r))
                    .toList();
            if (!unmet.isEmpty()) {
                return ConditionEvaluationResult.disabled("kernel " + kernel.name() + " lacks "
                        + String.join(", ", unmet) + ", required by " + annotation + "; its configuration: "
                        + config.source());
            }
        }
        return ConditionEvaluationResult.enabled("kernel " + String.join(", ", kernels) + " has " + annotation);
    }

    /** The requirements on the context's element and on those of its ancestors, outermost last. */
    private static Set<String> requirements(ExtensionContext context) {
        Set<String> required = new LinkedHashSet<>();
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            c.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresKernelConfig.class))
                    .ifPresent(a -> Arrays.stream(a.value()).map(KernelConfigCondition::validate).forEach(required::add));
        }
        return required;
    }

    private static String validate(String requirement) {
        int equals = requirement.indexOf('=');
        String name = equals < 0 ? requirement : requirement.substring(0, equals);
        try {
            KernelConfig.bare(name);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@RequiresKernelConfig(\"" + requirement + "\"): expected an"
                    + " option name such as KUNIT or CONFIG_KUNIT, or NAME=VALUE such as KASAN=y", e);
        }
        return requirement;
    }

    static boolean holds(KernelConfig config, String requirement) {
        int equals = requirement.indexOf('=');
        if (equals < 0) {
            return config.isEnabled(requirement);
        }
        String wanted = requirement.substring(equals + 1);
        String actual = config.get(requirement.substring(0, equals)).orElse("n");
        return actual.equals(wanted);
    }

    private static String describe(KernelConfig config, String requirement) {
        int equals = requirement.indexOf('=');
        String name = KernelConfig.bare(equals < 0 ? requirement : requirement.substring(0, equals));
        return "CONFIG_" + name + (equals < 0 ? "" : requirement.substring(equals)) + " ("
                + GuestNeeds.actual(config, name) + ")";
    }

    /**
     * The kernels the context's guests boot: explicitly named ones, and the run's kernel for
     * declarations that name none (or, for a test, when it declares no guest of its own).
     */
    private static Set<String> kernels(ExtensionContext context) {
        Optional<String> run = runKernel(context);
        Set<String> kernels = new LinkedHashSet<>();
        List<BootKernel> declarations = declarations(context);
        boolean unnamed = context.getTestMethod().isPresent() && declarations.isEmpty();
        for (BootKernel spec : declarations) {
            if (spec.kernel().isEmpty()) {
                unnamed = true;
            } else {
                kernels.add(spec.kernel());
            }
        }
        if (context.getTestMethod().isEmpty() && context.getStore(Guests.NAMESPACE).get(Boot.KERNEL_CHOICE) != null) {
            unnamed = true; // a matrix run: its kernel is what the class is about
        }
        if (unnamed) {
            run.ifPresent(kernels::add);
        }
        return kernels;
    }

    /** The kernel of guests that name none, when it is settled for this context. */
    private static Optional<String> runKernel(ExtensionContext context) {
        String chosen = context.getStore(Guests.NAMESPACE).get(Boot.KERNEL_CHOICE, String.class);
        if (chosen != null) {
            return Optional.of(chosen);
        }
        boolean template = context.getTestMethod().map(m -> AnnotationSupport.isAnnotated(m, TestTemplate.class))
                .orElseGet(() -> context.getTestClass()
                        .filter(c -> AnnotationSupport.isAnnotated(c, ClassTemplate.class)).isPresent());
        List<String> configured = Settings.kernels(context);
        return template || configured.size() != 1 ? Optional.empty() : Optional.of(configured.get(0));
    }

    /**
     * The {@code @BootKernel} declarations that give guests to the context: for a class, its
     * per-class guests; for a test, its parameters and every declaration of its class and the
     * enclosing classes.
     */
    private static List<BootKernel> declarations(ExtensionContext context) {
        List<BootKernel> found = new ArrayList<>();
        Optional<Method> test = context.getTestMethod();
        test.ifPresent(m -> parameters(m, found));
        for (Class<?> c = context.getTestClass().orElse(null); c != null;
                c = test.isPresent() && ModifierSupport.isNotStatic(c) ? c.getEnclosingClass() : null) {
            boolean classScope = test.isEmpty();
            Predicate<Field> fields = classScope ? ModifierSupport::isStatic : f -> true;
            AnnotationSupport.findAnnotatedFields(c, BootKernel.class, fields, HierarchyTraversalMode.TOP_DOWN)
                    .forEach(f -> found.add(f.getAnnotation(BootKernel.class)));
            List<Class<? extends java.lang.annotation.Annotation>> lifecycle = classScope
                    ? List.of(BeforeAll.class, AfterAll.class)
                    : List.of(BeforeAll.class, AfterAll.class, BeforeEach.class, AfterEach.class);
            ReflectionSupport.findMethods(c, m -> lifecycle.stream().anyMatch(a -> AnnotationSupport.isAnnotated(m, a)),
                    HierarchyTraversalMode.TOP_DOWN).forEach(m -> parameters(m, found));
            if (classScope) {
                break;
            }
        }
        return found;
    }

    private static void parameters(Method method, List<BootKernel> found) {
        for (Parameter parameter : method.getParameters()) {
            AnnotationSupport.findAnnotation((AnnotatedElement) parameter, BootKernel.class).ifPresent(found::add);
        }
    }
}
