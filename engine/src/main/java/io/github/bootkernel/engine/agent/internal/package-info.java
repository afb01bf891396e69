/**
 * The host side of the guest agent protocol ({@code docs/guest-agent-protocol.md}): frames and
 * their codec, the requests in flight, and the transport over the second UART. Not exported. It
 * imports the JDK, the exported {@code agent} API and the engine's exception types, nothing of KVM.
 */
package io.github.bootkernel.engine.agent.internal;
