package io.github.bootkernel.bench.sections;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This process's memory as the kernel counts it: the resident set ({@code VmRSS} of
 * {@code /proc/self/status}) and the resident pages of the guests' RAM ({@code Rss} of their
 * mappings in {@code /proc/self/smaps}).
 * Unlike {@code mincore(2)}, {@code Rss} leaves out the shared zero page that a guest's reads of
 * never-written memory map, so it is what the guest's RAM adds to {@code VmRSS}.
 */
final class ProcessMemory {

    /**
     * A mapping's first line in smaps: {@code start-end perms offset dev inode [name]}; the name
     * (group 1, empty for an anonymous mapping) may hold spaces, as a memfd's does.
     */
    static final Pattern HEADER = Pattern.compile("^[0-9a-f]+-[0-9a-f]+ \\S+ \\S+ \\S+ \\d+\\s*(.*)$");
    /** A size field of a mapping in smaps: {@code Name:   123 kB}. */
    static final Pattern FIELD = Pattern.compile("^(\\w+):\\s+(\\d+) kB$");

    private ProcessMemory() {
    }

    /** @return {@code VmRSS} in bytes */
    static long rss() throws IOException {
        return rss(Files.readString(Path.of("/proc/self/status"), StandardCharsets.US_ASCII));
    }

    static long rss(String status) throws IOException {
        return statusBytes(status, "VmRSS");
    }

    /**
     * @return a size field of {@code /proc/self/status} ({@code key:  123 kB}), in bytes
     * @throws IOException if {@code status} has no such line
     */
    static long statusBytes(String status, String key) throws IOException {
        Matcher m = Pattern.compile("^" + key + ":\\s+(\\d+) kB$", Pattern.MULTILINE).matcher(status);
        if (!m.find()) {
            throw new IOException("/proc/self/status has no " + key + " line");
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /**
     * @return whether an smaps {@code VmFlags:} line has {@code dc} ({@code MADV_DONTFORK}), which
     *     with an anonymous mapping is how the engine maps a booted guest's RAM
     */
    static boolean doesNotFork(String line) {
        return line.startsWith("VmFlags:") && (" " + line.substring(8) + " ").contains(" dc ");
    }

    /**
     * @return the resident bytes of guest RAM in this process: its anonymous mappings marked
     *     {@code MADV_DONTFORK} ({@code dc} in {@code VmFlags}), which is how the engine maps guest
     *     RAM and nothing else in the JVM does
     */
    static long guestRamRss() throws IOException {
        return guestRamRss(Files.readAllLines(Path.of("/proc/self/smaps"), StandardCharsets.UTF_8));
    }

    static long guestRamRss(List<String> smaps) {
        long total = 0;
        boolean anonymous = false;
        long rss = 0;
        for (String line : smaps) {
            Matcher h = HEADER.matcher(line);
            if (h.matches()) {
                anonymous = h.group(1).isEmpty();
                rss = 0;
                continue;
            }
            Matcher f = FIELD.matcher(line);
            if (f.matches() && f.group(1).equals("Rss")) {
                rss = Long.parseLong(f.group(2)) * 1024;
            } else if (anonymous && doesNotFork(line)) {
                total += rss; // VmFlags is a mapping's last line
            }
        }
        return total;
    }
}
