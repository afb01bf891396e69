package io.github.bootkernel.junit;

import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.StoredImages;
import io.github.bootkernel.kernels.initramfs.HostPath;
import io.github.bootkernel.kernels.initramfs.Initramfs;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The initramfs of one {@link BootKernel} declaration: an id or path ({@link Images}), or the image
 * of a factory method, plus the host files of {@link BootKernel#files()} appended as a second
 * archive; and whether it starts the guest agent.
 *
 * @param path the image to boot, or empty for none
 * @param agent whether the image starts {@code bootkernel-agent}: the catalog's busybox image, or a
 *     factory's image that holds it
 */
record GuestImage(Optional<Path> path, boolean agent) {

    /** Where {@code BusyboxInitramfs.withAgent()} puts the agent. */
    static final String AGENT_PATH = "/bin/bootkernel-agent";

    private static final GuestImage NONE = new GuestImage(Optional.empty(), false);

    /**
     * Resolves the declaration's image, composing and storing it when files are added.
     *
     * @throws ExtensionConfigurationException for an unknown id, a bad factory or a bad entry
     */
    static GuestImage of(ExtensionContext context, BootKernel spec, String declaration) {
        if (!spec.initramfs().isEmpty() && !spec.initramfsFactory().isEmpty()) {
            throw new ExtensionConfigurationException("@BootKernel on " + declaration + " names both initramfs = \""
                    + spec.initramfs() + "\" and initramfsFactory = \"" + spec.initramfsFactory() + "\": keep one");
        }
        GuestImage base = spec.initramfsFactory().isEmpty()
                ? named(context, spec.initramfs())
                : fromFactory(context, spec.initramfsFactory(), declaration);
        if (spec.files().length == 0) {
            return base;
        }
        List<HostPath> files = new ArrayList<>();
        for (String entry : spec.files()) {
            try {
                files.add(HostPath.parse(entry));
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException("@BootKernel(files = \"" + entry + "\") on " + declaration
                        + ": " + e.getMessage(), e);
            }
        }
        try {
            return new GuestImage(Optional.of(StoredImages.compose(base.path(), files)), base.agent());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new ExtensionConfigurationException("@BootKernel(files = ...) on " + declaration + ": "
                    + e.getMessage(), e);
        }
    }

    private static GuestImage named(ExtensionContext context, String entry) {
        Optional<Path> path = Images.initramfs(context, entry);
        if (path.isEmpty()) {
            return NONE;
        }
        boolean busybox = Catalog.find(entry).filter(Catalog.BUSYBOX_INITRAMFS::equals).isPresent()
                && Settings.initramfsId(context, entry).isEmpty();
        return new GuestImage(path, busybox);
    }

    /**
     * Runs a factory method once per launcher run (the root context's store) and stores its image.
     */
    private static GuestImage fromFactory(ExtensionContext context, String name, String declaration) {
        Method factory = factory(context, name, declaration);
        return context.getRoot().getStore(Guests.NAMESPACE).computeIfAbsent("initramfsFactory " + factory,
                k -> build(factory, declaration), GuestImage.class);
    }

    private static GuestImage build(Method factory, String declaration) {
        Object image = ReflectionSupport.invokeMethod(factory, null);
        if (image == null) {
            throw new ExtensionConfigurationException("initramfsFactory " + describe(factory) + " of " + declaration
                    + " returned null");
        }
        Initramfs initramfs = (Initramfs) image;
        return new GuestImage(Optional.of(StoredImages.store(initramfs.toBytes())), initramfs.contains(AGENT_PATH));
    }

    private static Method factory(ExtensionContext context, String name, String declaration) {
        int hash = name.indexOf('#');
        Class<?> owner;
        String methodName;
        if (hash >= 0) {
            methodName = name.substring(hash + 1);
            owner = ReflectionSupport.tryToLoadClass(name.substring(0, hash)).toOptional()
                    .orElseThrow(() -> new ExtensionConfigurationException("@BootKernel(initramfsFactory = \"" + name
                            + "\") on " + declaration + ": no class " + name.substring(0, hash)));
        } else {
            methodName = name;
            owner = context.getRequiredTestClass();
        }
        Method method = ReflectionSupport.findMethod(owner, methodName).orElseThrow(() ->
                new ExtensionConfigurationException("@BootKernel(initramfsFactory = \"" + name + "\") on " + declaration
                        + ": " + owner.getName() + " has no method " + methodName + "() (a static method without"
                        + " parameters that returns an Initramfs)"));
        if (!ModifierSupport.isStatic(method) || !Initramfs.class.isAssignableFrom(method.getReturnType())) {
            throw new ExtensionConfigurationException("@BootKernel(initramfsFactory = \"" + name + "\") on "
                    + declaration + ": " + describe(method) + " must be static and return "
                    + Initramfs.class.getName());
        }
        return method;
    }

    private static String describe(Method method) {
        return method.getDeclaringClass().getName() + "." + method.getName() + "()";
    }
}
