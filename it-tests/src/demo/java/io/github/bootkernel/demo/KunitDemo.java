package io.github.bootkernel.demo;

import io.github.bootkernel.it.StockKernelHost;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import io.github.bootkernel.junit.KtapTests;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StockKernelHost.class)
class KunitDemo {

    // tag::kunit[]
    // KUnit's built-in tests run at boot; `loglevel=7` shows their KTAP on the console. The busybox
    // image gives the kernel a userspace to go on to (without one it panics, which fails the class).
    @BootKernel(kernel = "tiny-kunit", initramfs = "busybox", cmdline = "loglevel=7")
    static Guest guest;

    @TestFactory
    Stream<DynamicNode> kunit() {
        return KtapTests.of(guest);   // a container per suite, a test per case, as the kernel prints them
    }
    // end::kunit[]
}
