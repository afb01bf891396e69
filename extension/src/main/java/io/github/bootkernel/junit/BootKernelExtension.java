package io.github.bootkernel.junit;

import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The extension behind {@link BootKernel}: decides when guests start and in which scope they
 * live; the engine does the rest. Registered by the annotation itself.
 *
 * <ul>
 *   <li>before all tests of a class: validates every {@code @BootKernel} field, checks KVM if
 *       the class needs a guest of its own, and injects the static fields (in a class template
 *       such as {@link KernelMatrix}, before each invocation instead);</li>
 *   <li>before each test: checks KVM if the test needs a guest, and injects the instance fields
 *       of the test instance (and of the enclosing instances of a {@code @Nested} test);</li>
 *   <li>parameters: a guest for each {@code @BootKernel} parameter, in the scope of the method's
 *       context (the class for {@code @BeforeAll}, the test otherwise);</li>
 *   <li>after each test and after all tests: the boot phases of the guests they started
 *       ({@link PhaseReport}), the kernel reports the guests printed meanwhile
 *       ({@link ReportCheck}), which may fail them; when they failed, the failure report.</li>
 * </ul>
 *
 * <p>Checking KVM in the callbacks rather than while resolving a parameter matters: JUnit turns
 * any exception from a parameter resolver into a failure, so only there can the test be aborted.
 * The guests live in the extension contexts' stores; a field that several runs can see (a static
 * field, or an instance field of a shared test instance) is claimed by one run at a time
 * ({@link FieldClaims}), so a run never gets another run's guest.
 */
final class BootKernelExtension implements BeforeAllCallback, BeforeClassTemplateInvocationCallback,
        BeforeEachCallback, AfterEachCallback, AfterClassTemplateInvocationCallback, AfterAllCallback,
        ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        annotatedFields(testClass).forEach(BootKernelExtension::validate);
        if (hasAnnotatedParameter(testClass, true)) {
            KvmCheck.require(context, "the guests of " + testClass.getName());
        }
        if (!AnnotationSupport.isAnnotated(testClass, ClassTemplate.class)) {
            injectStaticFields(context);
        }
    }

    /**
     * In a class template ({@link KernelMatrix}), {@code @BeforeAll} runs once for all
     * invocations; the static fields get a guest per invocation instead, with its kernel.
     */
    @Override
    public void beforeClassTemplateInvocation(ExtensionContext context) {
        injectStaticFields(context);
    }

    @Override
    public void afterClassTemplateInvocation(ExtensionContext context) {
        checkThenReport(context);
    }

    private static void injectStaticFields(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        List<Field> statics = annotatedFields(testClass).stream().filter(ModifierSupport::isStatic).toList();
        if (!statics.isEmpty()) {
            KvmCheck.require(context, "the guests of " + testClass.getName());
        }
        for (Field field : statics) {
            inject(context, field, null);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        List<Object> instances = context.getRequiredTestInstances().getAllInstances();
        boolean needed = context.getTestMethod().map(BootKernelExtension::hasAnnotatedParameter).orElse(false)
                || hasAnnotatedParameter(context.getRequiredTestClass(), false)
                || instances.stream().anyMatch(i -> !instanceFields(i).isEmpty());
        if (needed) {
            KvmCheck.require(context, "the guests of " + context.getDisplayName());
        }
        for (Object instance : instances) {
            for (Field field : instanceFields(instance)) {
                inject(context, field, instance);
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        checkThenReport(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        checkThenReport(context);
    }

    /**
     * Applies the kernel report policy to the guests the context can see, writes the failure
     * report if the context failed or the policy fails it, and then fails it.
     */
    private static void checkThenReport(ExtensionContext context) {
        PhaseReport.publish(context);
        List<Guest> guests = Guests.visibleFrom(context);
        AssertionError policy = ReportCheck.check(context, guests);
        FailureReport.writeIfFailed(context, guests, policy);
        if (policy != null) {
            throw policy;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (!parameterContext.isAnnotated(BootKernel.class)) {
            return false;
        }
        Executable executable = parameterContext.getDeclaringExecutable();
        String declaration = describe(parameterContext);
        if (executable instanceof Constructor) {
            throw new ParameterResolutionException("@BootKernel is not supported on constructor parameters ("
                    + declaration + "): use a test-method parameter or an instance field for a guest per test, or a"
                    + " static field or @BeforeAll parameter for a guest per class");
        }
        Class<?> type = parameterContext.getParameter().getType();
        if (type != Guest.class) {
            throw new ParameterResolutionException("@BootKernel " + declaration + " must be of type "
                    + Guest.class.getName() + ", not " + type.getName() + ": declare it as 'Guest guest'");
        }
        return true;
    }

    @Override
    public Guest resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        BootKernel spec = parameterContext.findAnnotation(BootKernel.class).orElseThrow();
        return Boot.start(extensionContext, spec, describe(parameterContext));
    }

    private static void inject(ExtensionContext context, Field field, Object instance) {
        FieldClaims.assign(context, field, instance,
                () -> Boot.start(context, field.getAnnotation(BootKernel.class), describe(field)));
    }

    private static List<Field> annotatedFields(Class<?> testClass) {
        return AnnotationSupport.findAnnotatedFields(testClass, BootKernel.class, f -> true,
                HierarchyTraversalMode.TOP_DOWN);
    }

    private static List<Field> instanceFields(Object instance) {
        return AnnotationSupport.findAnnotatedFields(instance.getClass(), BootKernel.class,
                ModifierSupport::isNotStatic, HierarchyTraversalMode.TOP_DOWN);
    }

    private static void validate(Field field) {
        if (field.getType() != Guest.class) {
            throw new ExtensionConfigurationException("@BootKernel " + describe(field) + " must be of type "
                    + Guest.class.getName() + ", not " + field.getType().getName() + ": declare it as 'Guest "
                    + field.getName() + "'");
        }
        if (Modifier.isFinal(field.getModifiers())) {
            throw new ExtensionConfigurationException("@BootKernel " + describe(field) + " must not be final: the"
                    + " extension assigns it a started guest (before each test for an instance field, before all"
                    + " tests for a static one); remove 'final'");
        }
    }

    /**
     * Whether a lifecycle method of the class has a {@code @BootKernel} parameter: a
     * {@code @BeforeAll}/{@code @AfterAll} method (class scope), or a
     * {@code @BeforeEach}/{@code @AfterEach} method (test scope).
     */
    private static boolean hasAnnotatedParameter(Class<?> testClass, boolean classScope) {
        List<Class<? extends Annotation>> lifecycle = classScope
                ? List.of(BeforeAll.class, AfterAll.class)
                : List.of(BeforeEach.class, AfterEach.class);
        return !ReflectionSupport.findMethods(testClass,
                m -> lifecycle.stream().anyMatch(a -> AnnotationSupport.isAnnotated(m, a)) && hasAnnotatedParameter(m),
                HierarchyTraversalMode.TOP_DOWN).isEmpty();
    }

    private static boolean hasAnnotatedParameter(Method method) {
        return Arrays.stream(method.getParameters()).anyMatch(p -> AnnotationSupport.isAnnotated(p, BootKernel.class));
    }

    static String describe(Field field) {
        return "field " + field.getDeclaringClass().getName() + "." + field.getName()
                + (ModifierSupport.isStatic(field) ? " (static)" : "");
    }

    static String describe(ParameterContext parameterContext) {
        Parameter parameter = parameterContext.getParameter();
        Executable executable = parameterContext.getDeclaringExecutable();
        String name = parameter.isNamePresent() ? "'" + parameter.getName() + "'" : "#" + parameterContext.getIndex();
        String params = Arrays.stream(executable.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", "));
        String owner = executable instanceof Constructor
                ? executable.getDeclaringClass().getName()
                : executable.getDeclaringClass().getName() + "." + executable.getName();
        return "parameter " + name + " of " + owner + "(" + params + ")";
    }
}
