package io.github.bootkernel.junit;

import java.util.List;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * A guest was not booted because its kernel's configuration lacks what the guest needs: the
 * 8250 serial console ({@code CONFIG_SERIAL_8250}, {@code CONFIG_SERIAL_8250_CONSOLE}), initramfs
 * support ({@code CONFIG_BLK_DEV_INITRD}) for a guest with an initramfs, a second 8250 UART
 * ({@code CONFIG_SERIAL_8250_RUNTIME_UARTS} of 2 or more, or {@code 8250.nr_uarts=2} on the
 * command line) for a guest whose image starts the guest agent. Without this check such a guest
 * would fail only at a timeout, with nothing on the console.
 *
 * <p>The check runs when the kernel's configuration is known (see {@link BootKernel#kernel()}).
 */
public final class MissingKernelOptionException extends ExtensionConfigurationException {

    private static final long serialVersionUID = 1L;

    /** The kernel's name. */
    private final String kernel;
    /** The unmet options. */
    private final List<String> options;
    /** Where the configuration came from. */
    private final String configuration;

    /**
     * Creates the exception.
     *
     * @param kernel the kernel's name: its id or file name
     * @param options the unmet options, each with what it is and what it is needed for
     * @param configuration where the configuration came from, for example a file's path
     * @param declaration the guest's declaration, in words
     */
    MissingKernelOptionException(String kernel, List<String> options, String configuration, String declaration) {
        super("kernel " + kernel + " cannot run the guest for " + declaration + ": its configuration ("
                + configuration + ") lacks " + String.join("; and ", options) + ". Boot a kernel built with "
                + (options.size() == 1 ? "it" : "them") + ", or a guest that does not need "
                + (options.size() == 1 ? "it" : "them") + "; the guest was not started");
        this.kernel = kernel;
        this.options = List.copyOf(options);
        this.configuration = configuration;
    }

    /**
     * Returns the kernel that lacks the options.
     *
     * @return its name: its id, or its file name
     */
    public String kernel() {
        return kernel;
    }

    /**
     * Returns what the kernel lacks, one entry per option, each starting with the option as the
     * guest needs it, for example {@code "CONFIG_SERIAL_8250_RUNTIME_UARTS >= 2 (it is 1): ..."}.
     *
     * @return the unmet options, at least one
     */
    public List<String> options() {
        return options;
    }

    /**
     * Returns where the kernel's configuration came from.
     *
     * @return for example the path of the {@code config} beside the kernel
     */
    public String configuration() {
        return configuration;
    }
}
