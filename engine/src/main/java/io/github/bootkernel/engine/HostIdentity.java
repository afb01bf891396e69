package io.github.bootkernel.engine;

import java.nio.file.Path;

/** Not written yet. */
record HostIdentity(String digest) {

    static HostIdentity of(Path kvmDevice) {
        throw new UnsupportedOperationException("not yet");
    }
}
