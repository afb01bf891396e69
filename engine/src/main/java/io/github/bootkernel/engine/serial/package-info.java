/**
 * Blocking byte streams between the host and a guest's serial port: the transport of the guest
 * agent on COM2 (ttyS1). Not exported. It imports the JDK and the device models, nothing of KVM:
 * the machine hands it the UART's interrupt line.
 */
package io.github.bootkernel.engine.serial;
