/**
 * The kernel's log, record by record, as the guest agent streams it from {@code /dev/kmsg}:
 * {@link io.github.bootkernel.engine.kmsg.KernelLog} (what a machine's
 * {@code Machine.kernelLog()} returns: the records, their gaps, the waits),
 * {@link io.github.bootkernel.engine.kmsg.KernelRecord},
 * {@link io.github.bootkernel.engine.kmsg.KernelLogGap} and
 * {@link io.github.bootkernel.engine.kmsg.KmsgRecordParser}, which reads one raw record. Exported.
 *
 * <p>The format is the kernel's {@code Documentation/ABI/testing/dev-kmsg}, as
 * kernel/printk/printk.c writes it ({@code devkmsg_read}, {@code info_print_ext_header},
 * {@code msg_add_ext_text}, {@code msg_add_dict_text}).
 *
 * <p>Imports: the JDK; the internal package also the agent channel's {@code KlogReceiver}.
 */
package io.github.bootkernel.engine.kmsg;
