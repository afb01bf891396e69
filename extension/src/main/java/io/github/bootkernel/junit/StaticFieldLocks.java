package io.github.bootkernel.junit;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLocksProvider;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ModifierSupport;

/**
 * One JUnit resource lock per static {@link BootKernel @BootKernel} field, held for writing by
 * every class that has the field, so that JUnit's parallel executor never runs two of them at the
 * same time: a static field holds one guest at a time. {@link KernelMatrix} uses it, so the runs
 * of a matrix class with a static guest follow one another (and, since a lock held for writing
 * keeps a class's descendants in one thread, so do its tests); users name the same lock with
 * {@code @ResourceLock("bootkernel:<class>.<field>")}, see {@link #key(Field)}.
 */
final class StaticFieldLocks implements ResourceLocksProvider {

    /** Prefix of the lock keys. */
    static final String PREFIX = "bootkernel:";

    /**
     * The lock key of a field: {@code bootkernel:} and the field's declaring class (binary name)
     * and name, for example {@code bootkernel:com.example.BootTestBase.guest}.
     */
    static String key(Field field) {
        return PREFIX + field.getDeclaringClass().getName() + "." + field.getName();
    }

    /** The lock keys of the class's static {@code @BootKernel} fields, all held for writing. */
    static Map<String, ResourceAccessMode> keys(Class<?> testClass) {
        return staticFields(testClass).stream()
                .collect(Collectors.toMap(StaticFieldLocks::key, f -> ResourceAccessMode.READ_WRITE));
    }

    @Override
    public Set<Lock> provideForClass(Class<?> testClass) {
        return locks(testClass);
    }

    @Override
    public Set<Lock> provideForNestedClass(List<Class<?>> enclosingInstanceTypes, Class<?> testClass) {
        return locks(testClass);
    }

    private static Set<Lock> locks(Class<?> testClass) {
        return keys(testClass).keySet().stream()
                .map(key -> new Lock(key, ResourceAccessMode.READ_WRITE))
                .collect(Collectors.toSet());
    }

    private static List<Field> staticFields(Class<?> testClass) {
        return AnnotationSupport.findAnnotatedFields(testClass, BootKernel.class, ModifierSupport::isStatic,
                HierarchyTraversalMode.TOP_DOWN);
    }
}
