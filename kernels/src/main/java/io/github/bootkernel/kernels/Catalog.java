package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.CatalogItem.Kind;
import io.github.bootkernel.kernels.probe.build.ProbeBuild;
import io.github.bootkernel.kernels.probe.build.ProbeRecipe;
import io.github.bootkernel.kernels.tiny.TinyKernels;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The catalog of images: every built-in id, what kind of file it names, a one-line description,
 * and how to produce it. It is the only place the ids are spelled: {@link Prepare}, the JUnit
 * extension's {@code @BootKernel(kernel = ..., initramfs = ...)} and the READMEs (checked by a
 * test) all read it.
 *
 * <p>Each item is fetched or built once per machine into the {@link Cache cache}, under a lock,
 * so parallel builds and test JVMs produce it once and never delete what another one stored.
 *
 * <pre>{@code
 * CachedFile kernel = Catalog.DEBIAN_CLOUD.get();
 * // kernel.path() -> ~/.cache/bootkernel/debian-cloud/6.1.192-2/vmlinuz
 * CachedFile initramfs = Catalog.item("busybox").get();
 * }</pre>
 */
public final class Catalog {

    /** The probe: a tiny bzImage-shaped test double built with binutils; not Linux. */
    public static final CatalogItem PROBE = new CatalogItem("probe", Kind.KERNEL,
            "a 6 KB bzImage-shaped test double, not Linux, built here with binutils; it checks the boot "
                    + "protocol in milliseconds", List.of(), false, id -> new ProbeRecipe(ProbeBuild.Toolchain.DEFAULT));

    /** Debian's cloud kernel, the default kernel of the JUnit extension. */
    public static final CatalogItem DEBIAN_CLOUD = new CatalogItem("debian-cloud", Kind.KERNEL,
            "Debian's cloud kernel (linux-image-cloud-amd64) from the Debian archive: small, virtio built in, "
                    + "no /dev/port", List.of(), true,
            id -> DebianPackages.kernel("Debian cloud kernel", "linux-image-cloud-amd64"));

    /** Debian's generic kernel. */
    public static final CatalogItem DEBIAN_GENERIC = new CatalogItem("debian-generic", Kind.KERNEL,
            "Debian's generic kernel (linux-image-amd64) from the Debian archive: /dev/port, 9p, most drivers "
                    + "as modules", List.of(), true,
            id -> DebianPackages.kernel("Debian generic kernel", "linux-image-amd64"));

    /** Debian's static busybox, for initramfs images. */
    public static final CatalogItem BUSYBOX_STATIC = new CatalogItem("busybox-static", Kind.HELPER_FILE,
            "Debian's statically linked busybox (busybox-static) from the Debian archive, for initramfs images",
            List.of(), true, id -> DebianPackages.staticExecutable("static busybox", "busybox-static", "bin/busybox",
                    "busybox"));

    /** The exit-status helper, which ends the guest with a status through port 0xf4. */
    public static final CatalogItem EXIT_STATUS = new CatalogItem("exit-status", Kind.HELPER_FILE,
            "a static program, compiled here with gcc, that ends the guest with status N by writing N to "
                    + "port 0xf4", List.of(), true, id -> ExitStatusHelper.RECIPE);

    /**
     * The guest agent, {@code bootkernel-agent}: the guest side of the command channel on ttyS1
     * ({@code docs/guest-agent-protocol.md}); {@code BusyboxInitramfs.withAgent()} puts it in an image.
     */
    public static final CatalogItem AGENT = new CatalogItem("agent", Kind.HELPER_FILE,
            "bootkernel-agent, a static program compiled here with gcc that runs commands and copies files "
                    + "for the host over ttyS1", List.of(), true,
            id -> new CompiledHelper("agent.c", "bootkernel-agent", "the guest agent"));

    /** The busybox initramfs: busybox, the exit-status helper, the guest agent and an /init with a shell. */
    public static final CatalogItem BUSYBOX_INITRAMFS = new CatalogItem("busybox-initramfs", Kind.INITRAMFS,
            "busybox, /bin/exit-status and the guest agent with an /init that starts the agent on ttyS1, "
                    + "prints init: ready and starts a shell on the console", List.of("busybox"), true,
            id -> new BusyboxImage());

    /** A tiny kernel built here from Debian's kernel source. */
    public static final CatalogItem TINY = new CatalogItem("tiny", Kind.KERNEL,
            "a 1 MB kernel built here from Debian's linux-source-6.1 with tinyconfig and tiny.config",
            List.of(), true, id -> TinyKernels.recipe(id, "tiny.config"));

    /** The tiny kernel with KUnit's built-in tests. */
    public static final CatalogItem TINY_KUNIT = new CatalogItem("tiny-kunit", Kind.KERNEL,
            "tiny plus tiny-kunit.config: KUnit's built-in tests, which print KTAP results at boot",
            List.of(), true, id -> TinyKernels.recipe(id, "tiny.config", "tiny-kunit.config"));

    /** Every item, in the order {@link Prepare} fills the cache. */
    private static final List<CatalogItem> ITEMS = List.of(PROBE, DEBIAN_CLOUD, DEBIAN_GENERIC, BUSYBOX_STATIC,
            EXIT_STATUS, AGENT, BUSYBOX_INITRAMFS, TINY, TINY_KUNIT);

    private Catalog() {
    }

    /**
     * Returns every item.
     *
     * @return the items, kernels in the order error messages list them
     */
    public static List<CatalogItem> items() {
        return ITEMS;
    }

    /**
     * Returns the items of one kind.
     *
     * @param kind the kind
     * @return those items, in catalog order
     */
    public static List<CatalogItem> items(Kind kind) {
        return ITEMS.stream().filter(item -> item.kind() == kind).toList();
    }

    /**
     * Finds an item by id or alias.
     *
     * @param name an id or an alias, for example {@code busybox}
     * @return the item, or empty for a name the catalog does not know
     */
    public static Optional<CatalogItem> find(String name) {
        return ITEMS.stream().filter(item -> item.names().contains(name)).findFirst();
    }

    /**
     * Returns an item by id or alias.
     *
     * @param name an id or an alias
     * @return the item
     * @throws IllegalArgumentException for a name the catalog does not know, listing the known ids
     */
    public static CatalogItem item(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown item '" + name + "'; known: "
                + ITEMS.stream().map(CatalogItem::id).toList()));
    }

    /**
     * Names the items of a kind for messages: {@code a, b and c}.
     *
     * @param kind the kind
     * @return the ids and aliases, joined with commas and a final "and"
     */
    public static String names(Kind kind) {
        List<String> names = items(kind).stream().flatMap(item -> item.names().stream()).toList();
        if (names.size() < 2) {
            return String.join("", names);
        }
        return names.subList(0, names.size() - 1).stream().collect(Collectors.joining(", "))
                + " and " + names.get(names.size() - 1);
    }
}
