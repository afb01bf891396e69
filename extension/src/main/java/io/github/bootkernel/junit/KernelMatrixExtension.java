package io.github.bootkernel.junit;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContextProvider;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The kernel matrix behind {@link KernelTest} and {@link KernelMatrix}: one invocation per
 * configured kernel (or per kernel a {@code @KernelMatrix} names), named after it, which leaves
 * its choice in the invocation's store where {@link Boot} finds it for every guest that names no
 * kernel.
 */
final class KernelMatrixExtension implements TestTemplateInvocationContextProvider, ClassTemplateInvocationContextProvider {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> AnnotationSupport.isAnnotated(m, KernelTest.class)).orElse(false);
    }

    @Override
    public Stream<KernelInvocation> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return invocations(context);
    }

    @Override
    public boolean supportsClassTemplate(ExtensionContext context) {
        return context.getTestClass().map(c -> AnnotationSupport.isAnnotated(c, KernelMatrix.class)).orElse(false);
    }

    @Override
    public Stream<KernelInvocation> provideClassTemplateInvocationContexts(ExtensionContext context) {
        String[] named = context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, KernelMatrix.class))
                .map(KernelMatrix::value).orElse(new String[0]);
        return named.length > 0 ? Stream.of(named).map(KernelInvocation::new) : invocations(context);
    }

    private static Stream<KernelInvocation> invocations(ExtensionContext context) {
        return Settings.kernels(context).stream().map(KernelInvocation::new);
    }

    /** One run with one kernel; {@code entry} is an id or a path as configured. */
    record KernelInvocation(String entry) implements TestTemplateInvocationContext, ClassTemplateInvocationContext {

        @Override
        public String getDisplayName(int invocationIndex) {
            return Images.name(entry);
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of();
        }

        @Override
        public void prepareInvocation(ExtensionContext context) {
            context.getStore(Guests.NAMESPACE).put(Boot.KERNEL_CHOICE, entry);
        }
    }
}
