package io.github.bootkernel.engine.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a test can count about this JVM: open file descriptors and memory mappings (from
 * {@code /proc/self}), and the current thread's CPU time and heap allocation (through the
 * management beans, by reflection: the engine module these tests are patched into reads no
 * management module).
 */
public final class HostCounters {

    private HostCounters() {
    }

    /** @return the number of open file descriptors of this process */
    public static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the number of memory mappings of this process */
    public static long mappings() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the number of memory mappings of this process besides thread stacks ({@code [stack}
     *     lines), which come and go with threads
     */
    public static long mappingsBesidesThreadStacks() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> !l.contains("[stack")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the current thread's CPU time in nanoseconds, or -1 if this JVM does not measure it */
    static long cpuNanos() {
        return call("java.lang.management.ThreadMXBean", "getCurrentThreadCpuTime");
    }

    /** @return bytes the current thread allocated on the heap so far, or -1 if this JVM does not count them */
    static long allocatedBytes() {
        return call("com.sun.management.ThreadMXBean", "getCurrentThreadAllocatedBytes");
    }

    private static long call(String type, String method) {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                    .invoke(null);
            Class<?> c = Class.forName(type);
            if (!c.isInstance(bean)) {
                return -1;
            }
            Method m = c.getMethod(method);
            return (long) m.invoke(bean);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
