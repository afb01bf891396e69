package io.github.bootkernel.demo;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.it.StockKernelHost;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StockKernelHost.class)
class ScopeDemo {

    // tag::scope[]
    @BootKernel(initramfs = "busybox", awaitLine = "init: ready")
    static Guest shell;

    @Test
    void runsACommand() throws InterruptedException {
        long from = shell.console().lineCount();
        shell.sendLine("uname -r");
        String release = shell.console().awaitLine(line -> line.matches("\\d+\\.\\d+.*"),
                Duration.ofSeconds(10), from).orElseThrow();
        assertThat(release).startsWith("6.");
    }

    @Test
    void reportsItsExitStatus(@BootKernel(initramfs = "busybox", awaitLine = "init: ready") Guest guest) {
        guest.sendLine("/bin/exit-status 3");
        assertThat(guest).endsWithin(Duration.ofSeconds(10)).exitedWith(3);
    }
    // end::scope[]
}
