package io.github.bootkernel.kernels.probe;

import java.util.List;

/**
 * A tool needed to build the probe image ({@code as}, {@code ld} or {@code objcopy}) is not
 * installed or not on the {@code PATH}.
 *
 * <p>The message names the tool and the Debian package that provides it, for example:
 * {@code cannot build the probe image: 'as' (the GNU assembler) was not found on the PATH;
 * install the Debian package binutils (apt-get install binutils)}.
 */
public final class ProbeToolMissingException extends ProbeBuildException {

    private static final long serialVersionUID = 1L;

    /** The tool that could not be started. */
    private final String tool;

    /** The Debian package that provides it. */
    private final String debianPackage;

    /**
     * Creates the exception.
     *
     * @param tool the command that could not be started, for example {@code as}
     * @param description what the tool is, for example {@code the GNU assembler}
     * @param debianPackage the Debian package that provides it, for example {@code binutils}
     * @param command the command line that could not be started
     * @param cause the exception from starting the process
     */
    public ProbeToolMissingException(String tool, String description, String debianPackage,
            List<String> command, Throwable cause) {
        super("cannot build the probe image: '" + tool + "' (" + description
                + ") was not found on the PATH; install the Debian package " + debianPackage
                + " (apt-get install " + debianPackage + ")", command, cause);
        this.tool = tool;
        this.debianPackage = debianPackage;
    }

    /**
     * Returns the tool that could not be started.
     *
     * @return the command name, for example {@code as}
     */
    public String tool() {
        return tool;
    }

    /**
     * Returns the Debian package that provides the tool.
     *
     * @return the package name, for example {@code binutils}
     */
    public String debianPackage() {
        return debianPackage;
    }
}
