package io.github.bootkernel.kernels.initramfs;

/**
 * One member of the archive, as the newc header describes it.
 *
 * @param name the normalized path, without a leading slash ({@code bin/busybox})
 * @param mode the full {@code st_mode}: file type bits and permission bits
 * @param data the file's contents, or a symlink's target; empty for directories and devices
 * @param rdevMajor a device node's major number, else 0
 * @param rdevMinor a device node's minor number, else 0
 * @param implicit whether this is a directory created only because an entry below it was added
 */
record CpioEntry(String name, int mode, byte[] data, int rdevMajor, int rdevMinor, boolean implicit) {

    /** {@code S_IFMT}: the file type bits of a mode. */
    static final int S_IFMT = 0170000;
    /** {@code S_IFREG}: regular file. */
    static final int S_IFREG = 0100000;
    /** {@code S_IFDIR}: directory. */
    static final int S_IFDIR = 0040000;
    /** {@code S_IFLNK}: symbolic link. */
    static final int S_IFLNK = 0120000;
    /** {@code S_IFCHR}: character device. */
    static final int S_IFCHR = 0020000;

    /**
     * Tells whether this entry is a directory.
     *
     * @return whether the type bits say directory
     */
    boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    /**
     * Describes the entry's type for messages.
     *
     * @return "file", "directory", "symlink" or "device"
     */
    String kind() {
        return switch (mode & S_IFMT) {
            case S_IFREG -> "file";
            case S_IFDIR -> "directory";
            case S_IFLNK -> "symlink";
            default -> "device";
        };
    }
}
