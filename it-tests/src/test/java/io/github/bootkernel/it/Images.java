package io.github.bootkernel.it;

import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Initramfs images the integration tests boot. */
final class Images {

    /** The line the exit-status /init prints before it reports status 3. */
    static final String HELLO = "init: hello from bootkernel";

    private Images() {
    }

    /** busybox, the exit-status helper, and an /init that prints {@link #HELLO} and reports 3. */
    static Path helloThenStatus3(Path dir) throws IOException {
        return BusyboxInitramfs.create()
                .withExitStatusHelper()
                .initBody("echo '" + HELLO + "'\n/bin/exit-status 3")
                .build()
                .writeTo(Files.createDirectories(dir).resolve("hello-status3.cpio"));
    }
}
