package io.weft.poller.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Links the C library functions {@link Libc} and {@link FileSyscalls} call: each handle
 * captures errno ({@link CallStates#CAPTURE_ERRNO}), so it takes the call's scratch area as its
 * first argument.
 */
final class Downcalls {
    private static final Linker LINKER = Linker.nativeLinker();

    private Downcalls() {}

    /**
     * {@code name} from the platform's C library, with {@code extra} options after the errno
     * capture; a function the library lacks links to a handle that throws (see {@link #missing}).
     */
    static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CallStates.CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.defaultLookup().find(name)
                .map(symbol -> LINKER.downcallHandle(symbol, descriptor, options))
                .orElseGet(() -> missing(name, descriptor));
    }

    /**
     * A handle of the downcall's type that throws: Linux-only functions (eventfd, epoll,
     * accept4, pipe2, statx) are absent from the C library on macOS, where the kqueue backend
     * still needs close, calloc and the rest; calling a missing one says which it is.
     */
    private static MethodHandle missing(String name, FunctionDescriptor descriptor) {
        MethodType type = descriptor.toMethodType().insertParameterTypes(0, MemorySegment.class);
        MethodHandle thrower = MethodHandles.throwException(type.returnType(), UnsupportedOperationException.class)
                .bindTo(new UnsupportedOperationException(name + " is not in this platform's C library"));
        return MethodHandles.dropArguments(thrower, 0, type.parameterList());
    }
}
