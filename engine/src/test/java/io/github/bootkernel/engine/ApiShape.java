package io.github.bootkernel.engine;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a public type lets its users reach: the types in the signatures of its public and protected
 * fields, methods and constructors, and its supertypes, generic arguments included. Found by
 * reflection on the classes ArchUnit imported.
 */
final class ApiShape {

    private ApiShape() {
    }

    /**
     * A way into a public type: a field, method, constructor or supertype, with the types it names.
     *
     * @param owner the public type
     * @param what the member, for messages
     * @param types every type in its signature
     */
    record Member(Class<?> owner, String what, List<Type> types) {

        /** @return whether any type in the signature, at any depth, satisfies {@code test} */
        boolean mentions(Predicate<Class<?>> test) {
            return types.stream().anyMatch(t -> mentions(t, test));
        }

        private static boolean mentions(Type type, Predicate<Class<?>> test) {
            if (type instanceof Class<?> c) {
                return c.isArray() ? mentions(c.getComponentType(), test) : test.test(c);
            }
            if (type instanceof ParameterizedType p) {
                return mentions(p.getRawType(), test)
                        || Arrays.stream(p.getActualTypeArguments()).anyMatch(a -> mentions(a, test));
            }
            if (type instanceof WildcardType w) {
                return Arrays.stream(w.getUpperBounds()).anyMatch(b -> mentions(b, test))
                        || Arrays.stream(w.getLowerBounds()).anyMatch(b -> mentions(b, test));
            }
            if (type instanceof GenericArrayType g) {
                return mentions(g.getGenericComponentType(), test);
            }
            if (type instanceof TypeVariable<?> v) {
                return Arrays.stream(v.getBounds()).anyMatch(b -> mentions(b, test));
            }
            return false;
        }

        @Override
        public String toString() {
            return owner.getName() + ": " + what;
        }
    }

    /** @return whether a type gives access to native memory: an NIO buffer or any JNA type */
    static boolean isNativeMemory(Class<?> type) {
        return Buffer.class.isAssignableFrom(type) || type.getName().startsWith("com.sun.jna.");
    }

    /**
     * Lists the ways into every type that code outside its package can name: public, and nested
     * only in public types.
     *
     * @param classes the imported classes
     * @return the public and protected members and the supertypes of those types
     */
    static List<Member> publicMembers(JavaClasses classes) {
        List<Member> members = new ArrayList<>();
        for (JavaClass imported : classes) {
            Class<?> type = imported.reflect();
            if (!reachable(type)) {
                continue;
            }
            if (type.getGenericSuperclass() != null) {
                members.add(new Member(type, "extends " + type.getGenericSuperclass().getTypeName(),
                        List.of(type.getGenericSuperclass())));
            }
            for (Type supertype : type.getGenericInterfaces()) {
                members.add(new Member(type, "implements " + supertype.getTypeName(), List.of(supertype)));
            }
            for (Field f : type.getDeclaredFields()) {
                if (visible(f)) {
                    members.add(new Member(type, "field " + f.getName(), List.of(f.getGenericType())));
                }
            }
            for (Method m : type.getDeclaredMethods()) {
                if (visible(m) && !m.isSynthetic() && !m.isBridge()) {
                    List<Type> types = new ArrayList<>(Arrays.asList(m.getGenericParameterTypes()));
                    types.add(m.getGenericReturnType());
                    members.add(new Member(type, "method " + m.toGenericString(), types));
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (visible(c) && !c.isSynthetic()) {
                    members.add(new Member(type, "constructor " + c.toGenericString(),
                            Arrays.asList(c.getGenericParameterTypes())));
                }
            }
        }
        return members;
    }

    private static boolean reachable(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers()) || c.isAnonymousClass() || c.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(java.lang.reflect.Member member) {
        int modifiers = member.getModifiers();
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }
}
