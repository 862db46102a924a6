package io.weft.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.constant.ClassDesc;
import java.util.function.Consumer;
import java.util.Map;

/**
 * The rewrites of JDK classes, with the class-file API: each prepends a call to
 * {@code sun.nio.ch.WeftHook} at the start of a method, leaving the method's own code as the
 * fallback for whatever Weft does not handle.
 *
 * <ul>
 *   <li>{@code sun.nio.ch.Poller.poll(int fd, int event, long nanos, BooleanSupplier isOpen)}:
 *       {@code if (WeftHook.poll(fd, event, nanos, isOpen)) return;}</li>
 *   <li>{@code Poller.pollSelector(int fd, long nanos)}: {@code if (WeftHook.pollSelector(fd, nanos)) return;}</li>
 *   <li>{@code Poller.stopPoll(int fd, int event)}: {@code WeftHook.stopPoll(fd, event);} then
 *       the JDK's (a close must wake waiters of either path)</li>
 *   <li>{@code java.lang.ThreadBuilders.newVirtualThread(Executor scheduler, ...)} (scheduler=weft):
 *       {@code if (scheduler == null) scheduler = WeftHook.defaultScheduler();}</li>
 *   <li>{@code java.lang.VirtualThread.schedule(Runnable, long, TimeUnit)} (scheduler=weft):
 *       {@code Future f = WeftHook.schedule(this.scheduler, task, delay, unit); if (f != null) return f;}
 *       so that the timed parks of Weft's virtual threads use the carriers' timers</li>
 *   <li>{@code sun.nio.ch.UnixFileDispatcherImpl.read/pread/write/pwrite(FileDescriptor fd, long address, int len[, long position])}
 *       (files=weft): {@code int n = WeftHook.fileIo(fd, address, len, position or -1, write);
 *       if (n != Integer.MIN_VALUE) return n;} ({@link FileDispatch})</li>
 * </ul>
 */
final class JdkRewriter {
    static final String POLLER = "sun/nio/ch/Poller";
    static final String THREAD_BUILDERS = "java/lang/ThreadBuilders";
    static final String VIRTUAL_THREAD = "java/lang/VirtualThread";
    static final String FILE_DISPATCHER = "sun/nio/ch/UnixFileDispatcherImpl";

    private static final ClassDesc VIRTUAL_THREAD_DESC = ClassDesc.of("java.lang.VirtualThread");

    private JdkRewriter() {}

    /** The rewritten class, or null if {@code internalName} is not one of ours. */
    static byte[] rewrite(String internalName, byte[] classfile) {
        return switch (internalName) {
            case POLLER -> rewritePoller(classfile);
            case THREAD_BUILDERS -> rewriteThreadBuilders(classfile);
            case VIRTUAL_THREAD -> rewriteVirtualThread(classfile);
            case FILE_DISPATCHER -> rewriteFileDispatcher(classfile);
            default -> null;
        };
    }

    static byte[] rewritePoller(byte[] classfile) {
        return rewrite(classfile, Map.of(
                "poll(IIJLjava/util/function/BooleanSupplier;)V", b -> {
                    var jdk = b.newLabel();
                    b.iload(0).iload(1).lload(2).aload(4)
                            .invokestatic(HookClass.DESC, "poll", HookClass.POLL_TYPE)
                            .ifeq(jdk).return_().labelBinding(jdk);
                },
                "pollSelector(IJ)V", b -> {
                    var jdk = b.newLabel();
                    b.iload(0).lload(1)
                            .invokestatic(HookClass.DESC, "pollSelector", HookClass.POLL_SELECTOR_TYPE)
                            .ifeq(jdk).return_().labelBinding(jdk);
                },
                "stopPoll(II)V", b ->
                        b.iload(0).iload(1).invokestatic(HookClass.DESC, "stopPoll", HookClass.STOP_POLL_TYPE)));
    }

    static byte[] rewriteThreadBuilders(byte[] classfile) {
        return rewrite(classfile, Map.of(
                "newVirtualThread(Ljava/util/concurrent/Executor;Ljava/lang/String;ILjava/lang/Runnable;)Ljava/lang/Thread;",
                b -> {
                    var given = b.newLabel();
                    b.aload(0).ifnonnull(given)
                            .invokestatic(HookClass.DESC, "defaultScheduler", HookClass.DEFAULT_SCHEDULER_TYPE)
                            .astore(0)
                            .labelBinding(given);
                }));
    }

    static byte[] rewriteVirtualThread(byte[] classfile) {
        return rewrite(classfile, Map.of(
                "schedule(Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/Future;", b -> {
                    var jdk = b.newLabel();
                    b.aload(0).getfield(VIRTUAL_THREAD_DESC, "scheduler", HookClass.EXECUTOR)
                            .aload(1).lload(2).aload(4)
                            .invokestatic(HookClass.DESC, "schedule", HookClass.SCHEDULE_TYPE)
                            .dup().ifnull(jdk).areturn()
                            .labelBinding(jdk).pop();
                }));
    }

    /**
     * The four single-buffer transfers FileChannelImpl makes through IOUtil (slot 0 is
     * {@code this}, 1 the FileDescriptor, 2-3 the address, 4 the length, 5-6 the position).
     * Scatter/gather ({@code readv}/{@code writev}) stays the JDK's.
     */
    static byte[] rewriteFileDispatcher(byte[] classfile) {
        return rewrite(classfile, Map.of(
                "read(Ljava/io/FileDescriptor;JI)I", b -> fileIo(b, false, false),
                "pread(Ljava/io/FileDescriptor;JIJ)I", b -> fileIo(b, true, false),
                "write(Ljava/io/FileDescriptor;JI)I", b -> fileIo(b, false, true),
                "pwrite(Ljava/io/FileDescriptor;JIJ)I", b -> fileIo(b, true, true)));
    }

    private static void fileIo(CodeBuilder b, boolean positional, boolean write) {
        var jdk = b.newLabel();
        b.aload(1).lload(2).iload(4);
        if (positional) {
            b.lload(5);
        } else {
            b.ldc(-1L);
        }
        b.loadConstant(write ? 1 : 0)
                .invokestatic(HookClass.DESC, "fileIo", HookClass.FILE_IO_TYPE)
                .dup().ldc(HookClass.FILE_IO_NOT_HANDLED).if_icmpeq(jdk).ireturn()
                .labelBinding(jdk).pop();
    }

    /**
     * Prepends {@code prologues} (by method name + descriptor) in one pass. (One pass on
     * purpose: chaining {@code transformingMethodBodies} transforms with {@code andThen}
     * silently dropped the first one's changes on JDK 25.)
     */
    private static byte[] rewrite(byte[] classfile, Map<String, Consumer<CodeBuilder>> prologues) {
        ClassFile cf = ClassFile.of();
        ClassModel model = cf.parse(classfile);
        for (String method : prologues.keySet()) {
            boolean found = model.methods().stream().anyMatch(m -> key(m).equals(method));
            if (!found) {
                throw new IllegalStateException(model.thisClass().asInternalName() + "." + method
                        + " not found: not a JDK this agent knows (JDK 25)");
            }
        }
        ClassTransform transform = (builder, element) -> {
            Consumer<CodeBuilder> prologue = element instanceof MethodModel m ? prologues.get(key(m)) : null;
            if (prologue != null) {
                builder.transformMethod((MethodModel) element, MethodTransform.transformingCode(prepend(prologue)));
            } else {
                builder.with(element);
            }
        };
        return cf.transformClass(model, transform);
    }

    private static String key(MethodModel m) {
        return m.methodName().stringValue() + m.methodType().stringValue();
    }

    private static CodeTransform prepend(Consumer<CodeBuilder> code) {
        return new CodeTransform() {
            @Override
            public void atStart(CodeBuilder builder) {
                code.accept(builder);
            }

            @Override
            public void accept(CodeBuilder builder, CodeElement element) {
                builder.with(element);
            }
        };
    }

}
