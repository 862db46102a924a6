package io.weft.poller.uring;

/**
 * The io_uring ABI: system call numbers, flags and structure offsets from
 * {@code include/uapi/linux/io_uring.h}. The system call numbers are the same on every
 * 64-bit Linux architecture (they were allocated after the tables were unified).
 */
final class Uring {
    private Uring() {}

    static final long SYS_IO_URING_SETUP = 425;
    static final long SYS_IO_URING_ENTER = 426;
    static final long SYS_IO_URING_REGISTER = 427;

    // io_uring_params.flags
    static final int SETUP_IOPOLL = 1 << 0;
    static final int SETUP_SQPOLL = 1 << 1;
    static final int SETUP_CQSIZE = 1 << 3;
    static final int SETUP_CLAMP = 1 << 4;
    static final int SETUP_SUBMIT_ALL = 1 << 7;
    static final int SETUP_COOP_TASKRUN = 1 << 8;
    static final int SETUP_SINGLE_ISSUER = 1 << 12;
    static final int SETUP_DEFER_TASKRUN = 1 << 13;

    // io_uring_params.features
    static final int FEAT_SINGLE_MMAP = 1 << 0;
    static final int FEAT_NODROP = 1 << 1;
    static final int FEAT_EXT_ARG = 1 << 8;

    // io_uring_params.sq_thread_idle: milliseconds the SQPOLL thread spins before it sleeps
    static final long P_SQ_THREAD_IDLE = 16;

    // struct io_uring_params: 120 bytes
    static final long PARAMS_SIZE = 120;
    static final long P_SQ_ENTRIES = 0;
    static final long P_CQ_ENTRIES = 4;
    static final long P_FLAGS = 8;
    static final long P_FEATURES = 20;
    static final long P_SQ_OFF = 40;
    static final long P_CQ_OFF = 80;
    // struct io_sqring_offsets, relative to P_SQ_OFF
    static final long SQ_HEAD = 0;
    static final long SQ_TAIL = 4;
    static final long SQ_RING_MASK = 8;
    static final long SQ_RING_ENTRIES = 12;
    static final long SQ_FLAGS = 16;
    static final long SQ_DROPPED = 20;
    static final long SQ_ARRAY = 24;
    // the SQ ring's flags word (at SQ_FLAGS), written by the kernel
    static final int SQ_NEED_WAKEUP = 1 << 0;
    static final int SQ_CQ_OVERFLOW = 1 << 1;
    // struct io_cqring_offsets, relative to P_CQ_OFF
    static final long CQ_HEAD = 0;
    static final long CQ_TAIL = 4;
    static final long CQ_RING_MASK = 8;
    static final long CQ_RING_ENTRIES = 12;
    static final long CQ_OVERFLOW = 16;
    static final long CQ_CQES = 20;

    // mmap offsets
    static final long OFF_SQ_RING = 0L;
    static final long OFF_CQ_RING = 0x8000000L;
    static final long OFF_SQES = 0x10000000L;

    // io_uring_enter flags
    static final int ENTER_GETEVENTS = 1 << 0;
    static final int ENTER_SQ_WAKEUP = 1 << 1;
    static final int ENTER_SQ_WAIT = 1 << 2;
    static final int ENTER_EXT_ARG = 1 << 3;

    // struct io_uring_sqe: 64 bytes
    static final long SQE_SIZE = 64;
    static final long SQE_OPCODE = 0;       // u8
    static final long SQE_FLAGS = 1;        // u8
    static final long SQE_IOPRIO = 2;       // u16
    static final long SQE_FD = 4;           // s32
    static final long SQE_OFF = 8;          // u64 (off / addr2)
    static final long SQE_ADDR = 16;        // u64
    static final long SQE_LEN = 24;         // u32
    static final long SQE_OP_FLAGS = 28;    // u32: rw_flags, msg_flags, poll32_events, timeout_flags, ...
    static final long SQE_USER_DATA = 32;   // u64
    static final long SQE_BUF_INDEX = 40;   // u16 (buf_index / buf_group)
    static final long SQE_FILE_INDEX = 44;  // u32

    // io_uring_sqe.flags
    static final byte IOSQE_FIXED_FILE = 1 << 0;
    static final byte IOSQE_IO_LINK = 1 << 2;
    static final byte IOSQE_BUFFER_SELECT = 1 << 5;

    // io_uring_sqe.ioprio for accept and recv
    static final short ACCEPT_MULTISHOT = 1 << 0;
    static final short RECV_MULTISHOT = 1 << 1;
    // io_uring_sqe.len for POLL_ADD
    static final int POLL_ADD_MULTI = 1 << 0;
    // io_uring_sqe.fsync_flags
    static final int FSYNC_DATASYNC = 1 << 0;
    // io_uring_sqe.cancel_flags
    static final int ASYNC_CANCEL_ALL = 1 << 0;
    static final int ASYNC_CANCEL_FD = 1 << 1;
    static final int ASYNC_CANCEL_ANY = 1 << 2;

    // struct io_uring_cqe: 16 bytes
    static final long CQE_SIZE = 16;
    static final long CQE_USER_DATA = 0;
    static final long CQE_RES = 8;
    static final long CQE_FLAGS = 12;

    // io_uring_register opcodes
    static final int REGISTER_BUFFERS = 0;
    static final int UNREGISTER_BUFFERS = 1;
    static final int REGISTER_FILES_UPDATE = 6;
    static final int REGISTER_PROBE = 8;
    static final int REGISTER_FILES2 = 13;
    static final int REGISTER_BUFFERS2 = 15;
    static final int REGISTER_BUFFERS_UPDATE = 16;
    static final int REGISTER_PBUF_RING = 22;
    static final int UNREGISTER_PBUF_RING = 23;
    static final int REGISTER_PBUF_STATUS = 26;

    static final int RSRC_REGISTER_SPARSE = 1;

    // struct io_uring_probe: 16-byte header, then 8 bytes per op
    static final long PROBE_OPS = 16;
    static final long PROBE_OP_SIZE = 8;
    static final int PROBE_OP_SUPPORTED = 1;

    /** MSG_NOSIGNAL: a send to a closed peer fails with EPIPE instead of raising SIGPIPE. */
    static final int MSG_NOSIGNAL = 0x4000;
}
