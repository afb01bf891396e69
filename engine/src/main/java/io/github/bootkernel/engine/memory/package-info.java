/**
 * Guest RAM: one host mapping registered with KVM as memory slots, read and written by guest
 * physical address with every range checked against the RAM regions before native memory is
 * touched. Not exported. It may import {@code kvm} (the mapping and the VM it registers with) and
 * the JDK.
 */
package io.github.bootkernel.engine.memory;
