package io.weft.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;

/**
 * Generates {@code sun.nio.ch.WeftHook}, the class that the rewritten JDK methods call.
 *
 * <p>It lives in {@code java.base} (defined into {@code sun.nio.ch} with a private lookup), so
 * the JDK's code can call it without seeing any Weft class: each of its static methods calls
 * a {@code MethodHandle} held in a static field, set by the agent to Weft's
 * {@link Bridge}. While a field is null (before the agent is done, or after it backed out)
 * the method answers "not handled" and the JDK goes on as if untouched.
 *
 * <pre>
 * public final class WeftHook {
 *     public static volatile MethodHandle POLL, POLL_SELECTOR, STOP_POLL, DEFAULT_SCHEDULER, SCHEDULE, FILE_IO;
 *     public static boolean poll(int fd, int event, long nanos, BooleanSupplier isOpen)   // false: not handled
 *     public static boolean pollSelector(int fd, long nanos)
 *     public static void stopPoll(int fd, int event)
 *     public static Executor defaultScheduler()                                            // null: the JDK's
 *     public static Future schedule(Executor scheduler, Runnable task, long delay, TimeUnit unit)  // null: the JDK's
 *     public static int fileIo(FileDescriptor fd, long address, int len, long position, boolean write)
 *         // Integer.MIN_VALUE: the JDK's; the handle gets IOUtil.fdVal(fd), the descriptor's number
 * }
 * </pre>
 * Generated rather than compiled because javac will not compile a class into a package of
 * {@code java.base}.
 */
final class HookClass {
    static final String NAME = "sun.nio.ch.WeftHook";
    static final ClassDesc DESC = ClassDesc.of(NAME);

    static final ClassDesc METHOD_HANDLE = ClassDesc.of("java.lang.invoke.MethodHandle");
    static final ClassDesc BOOLEAN_SUPPLIER = ClassDesc.of("java.util.function.BooleanSupplier");
    static final ClassDesc EXECUTOR = ClassDesc.of("java.util.concurrent.Executor");
    static final ClassDesc FUTURE = ClassDesc.of("java.util.concurrent.Future");
    static final ClassDesc TIME_UNIT = ClassDesc.of("java.util.concurrent.TimeUnit");
    static final ClassDesc RUNNABLE = ClassDesc.of("java.lang.Runnable");
    static final ClassDesc FILE_DESCRIPTOR = ClassDesc.of("java.io.FileDescriptor");
    static final ClassDesc IO_UTIL = ClassDesc.of("sun.nio.ch.IOUtil");

    static final MethodTypeDesc POLL_TYPE = MethodTypeDesc.of(ConstantDescs.CD_boolean, ConstantDescs.CD_int,
            ConstantDescs.CD_int, ConstantDescs.CD_long, BOOLEAN_SUPPLIER);
    static final MethodTypeDesc POLL_SELECTOR_TYPE = MethodTypeDesc.of(ConstantDescs.CD_boolean, ConstantDescs.CD_int,
            ConstantDescs.CD_long);
    static final MethodTypeDesc STOP_POLL_TYPE = MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int,
            ConstantDescs.CD_int);
    static final MethodTypeDesc DEFAULT_SCHEDULER_TYPE = MethodTypeDesc.of(EXECUTOR);
    static final MethodTypeDesc SCHEDULE_TYPE = MethodTypeDesc.of(FUTURE, EXECUTOR, RUNNABLE, ConstantDescs.CD_long,
            TIME_UNIT);
    /** {@code fileIo(FileDescriptor, long address, int len, long position, boolean write)}: what the JDK calls. */
    static final MethodTypeDesc FILE_IO_TYPE = MethodTypeDesc.of(ConstantDescs.CD_int, FILE_DESCRIPTOR,
            ConstantDescs.CD_long, ConstantDescs.CD_int, ConstantDescs.CD_long, ConstantDescs.CD_boolean);
    /** The handle's: the descriptor as its number. */
    static final MethodTypeDesc FILE_IO_HANDLE_TYPE = MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int,
            ConstantDescs.CD_long, ConstantDescs.CD_int, ConstantDescs.CD_long, ConstantDescs.CD_boolean);
    /** What {@code fileIo} answers for a call it leaves to the JDK. */
    static final int FILE_IO_NOT_HANDLED = Integer.MIN_VALUE;

    /** Every handle field, each set by the agent to a {@link Bridge} method (and cleared if it backs out). */
    static final String[] FIELDS = {"POLL", "POLL_SELECTOR", "STOP_POLL", "DEFAULT_SCHEDULER", "SCHEDULE", "FILE_IO"};

    private HookClass() {}

    static byte[] bytes() {
        return ClassFile.of().build(DESC, cb -> {
            cb.withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL, AccessFlag.SUPER);
            for (String field : FIELDS) {
                cb.withField(field, METHOD_HANDLE, f -> f.withFlags(AccessFlag.PUBLIC, AccessFlag.STATIC,
                        AccessFlag.VOLATILE));
            }
            cb.withMethodBody("poll", POLL_TYPE, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, b -> {
                forward(b, "POLL", POLL_TYPE, () -> b.iconst_0().ireturn(), () -> {
                    b.iload(0).iload(1).lload(2).aload(4);
                }, () -> b.ireturn());
            });
            cb.withMethodBody("pollSelector", POLL_SELECTOR_TYPE, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, b -> {
                forward(b, "POLL_SELECTOR", POLL_SELECTOR_TYPE, () -> b.iconst_0().ireturn(), () -> {
                    b.iload(0).lload(1);
                }, () -> b.ireturn());
            });
            cb.withMethodBody("stopPoll", STOP_POLL_TYPE, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, b -> {
                forward(b, "STOP_POLL", STOP_POLL_TYPE, () -> b.return_(), () -> {
                    b.iload(0).iload(1);
                }, () -> b.return_());
            });
            cb.withMethodBody("defaultScheduler", DEFAULT_SCHEDULER_TYPE, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                    b -> forward(b, "DEFAULT_SCHEDULER", DEFAULT_SCHEDULER_TYPE, () -> b.aconst_null().areturn(),
                            () -> { }, () -> b.areturn()));
            cb.withMethodBody("schedule", SCHEDULE_TYPE, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, b -> {
                forward(b, "SCHEDULE", SCHEDULE_TYPE, () -> b.aconst_null().areturn(), () -> {
                    b.aload(0).aload(1).lload(2).aload(4);
                }, () -> b.areturn());
            });
            // The descriptor's number is read here, in java.base, where IOUtil.fdVal is at hand.
            cb.withMethodBody("fileIo", FILE_IO_TYPE, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, b -> {
                forward(b, "FILE_IO", FILE_IO_HANDLE_TYPE, () -> b.ldc(FILE_IO_NOT_HANDLED).ireturn(), () -> {
                    b.aload(0).invokestatic(IO_UTIL, "fdVal", MethodTypeDesc.of(ConstantDescs.CD_int, FILE_DESCRIPTOR))
                            .lload(1).iload(3).lload(4).iload(6);
                }, () -> b.ireturn());
            });
        });
    }

    /**
     * {@code MethodHandle h = FIELD; if (h == null) <unhandled>; return h.invokeExact(args);}
     * (slot 10 is past every method's parameters).
     */
    private static void forward(CodeBuilder b, String field, MethodTypeDesc type, Runnable unhandled,
                                Runnable loadArgs, Runnable returnResult) {
        int handle = 10;
        var present = b.newLabel();
        b.getstatic(DESC, field, METHOD_HANDLE).astore(handle);
        b.aload(handle).ifnonnull(present);
        unhandled.run();
        b.labelBinding(present);
        b.aload(handle);
        loadArgs.run();
        b.invokevirtual(METHOD_HANDLE, "invokeExact", type);
        returnResult.run();
    }
}
