package io.mga.kernel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The few bpf(2) commands the control plane needs, called through JNA's {@code syscall}: open a pinned object,
 * read, write and delete map elements, and run a program on a test packet; and mmap(2) of an array map. One call each, no
 * library between (libbpf is for loading, which bpftool does). Not thread-safe: one instance per thread (its
 * argument buffers are reused).
 */
final class Bpf {
    /** Commands of {@code enum bpf_cmd} (linux/bpf.h). */
    static final int MAP_LOOKUP_ELEM = 1;
    static final int MAP_UPDATE_ELEM = 2;
    static final int MAP_DELETE_ELEM = 3;
    static final int OBJ_GET = 7;
    static final int PROG_TEST_RUN = 10;
    /** {@code ENOENT}: no such element. */
    static final int ENOENT = 2;

    /** libc's syscall(2) and close(2). */
    interface LibC extends Library {
        long syscall(long number, Object... args) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset) throws LastErrorException;

        int munmap(Pointer addr, long length) throws LastErrorException;
    }

    private static final LibC C;
    private static final long SYS_BPF;
    private static final Throwable UNAVAILABLE;

    static {
        String arch = System.getProperty("os.arch");
        SYS_BPF = switch (arch) {
            case "amd64", "x86_64" -> 321;
            case "aarch64" -> 280;
            default -> -1;
        };
        LibC c = null;
        Throwable why = null;
        try {
            c = Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            why = e;
        }
        C = c;
        UNAVAILABLE = why;
    }

    /** The attribute union, larger than any command here needs. */
    private final Memory attr = new Memory(128);
    private Memory key = new Memory(64);
    private Memory value = new Memory(4096);

    /**
     * @return null when bpf(2) can be called from here, else why not (one line)
     */
    static String unavailable() {
        if (SYS_BPF < 0) {
            return "no bpf(2) system call number known for " + System.getProperty("os.arch");
        }
        return UNAVAILABLE == null ? null : "libc not loadable through JNA: " + UNAVAILABLE.getMessage();
    }

    private long call(int cmd, int size) throws IOException {
        try {
            return C.syscall(SYS_BPF, cmd, attr, size);
        } catch (LastErrorException e) {
            throw new BpfException(cmd, e.getErrorCode());
        }
    }

    /** A failed bpf(2) call with its errno. */
    static final class BpfException extends IOException {
        private static final long serialVersionUID = 1L;
        /** The errno. */
        final int errno;

        BpfException(int cmd, int errno) {
            super("bpf(" + cmd + ") failed: errno " + errno);
            this.errno = errno;
        }
    }

    /**
     * Opens a pinned map or program.
     *
     * @param path its path in the BPF file system
     * @return a file descriptor
     */
    int objGet(String path) throws IOException {
        byte[] p = (path + "\0").getBytes(StandardCharsets.UTF_8);
        Memory m = new Memory(p.length); // freed by the collector (JNA 5.3 has no close)
        m.write(0, p, 0, p.length);
        attr.clear();
        attr.setLong(0, Pointer.nativeValue(m));
        return (int) call(OBJ_GET, 16);
    }

    static void close(int fd) {
        if (fd >= 0) {
            try {
                C.close(fd);
            } catch (LastErrorException e) {
                // already closed: nothing to do
            }
        }
    }

    /**
     * Maps a BPF_F_MMAPABLE array map's values into this process (read and write, shared with the kernel).
     *
     * @param fd the map
     * @param length its values' size in octets
     * @return the mapping
     */
    static Pointer mmap(int fd, long length) throws IOException {
        try {
            Pointer p = C.mmap(null, length, 3 /* PROT_READ | PROT_WRITE */, 1 /* MAP_SHARED */, fd, 0);
            if (p == null || Pointer.nativeValue(p) == -1) {
                throw new IOException("mmap of a BPF map failed");
            }
            return p;
        } catch (LastErrorException e) {
            throw new IOException("mmap of a BPF map failed: errno " + e.getErrorCode());
        }
    }

    static void munmap(Pointer p, long length) {
        if (p != null) {
            try {
                C.munmap(p, length);
            } catch (LastErrorException e) {
                // not mapped: nothing to do
            }
        }
    }

    private Memory key(byte[] k) {
        if (key.size() < k.length) {
            key = new Memory(k.length);
        }
        key.write(0, k, 0, k.length);
        return key;
    }

    private Memory value(int size) {
        if (value.size() < size) {
            value = new Memory(size);
        }
        return value;
    }

    private void elemAttr(int fd, Memory k, Memory v, long flags) {
        attr.clear();
        attr.setInt(0, fd);
        attr.setLong(8, Pointer.nativeValue(k));
        attr.setLong(16, v == null ? 0 : Pointer.nativeValue(v));
        attr.setLong(24, flags);
    }

    /**
     * Writes one element.
     *
     * @param fd the map
     * @param k the key
     * @param v the value
     */
    void update(int fd, byte[] k, byte[] v) throws IOException {
        Memory km = key(k);
        Memory vm = value(v.length);
        vm.write(0, v, 0, v.length);
        elemAttr(fd, km, vm, 0);
        call(MAP_UPDATE_ELEM, 32);
    }

    /**
     * Deletes one element.
     *
     * @return false if there was none
     */
    boolean delete(int fd, byte[] k) throws IOException {
        elemAttr(fd, key(k), null, 0);
        try {
            call(MAP_DELETE_ELEM, 32);
            return true;
        } catch (BpfException e) {
            if (e.errno == ENOENT) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Reads one element.
     *
     * @param size the value's size (for a per-CPU map: CPUs times the value rounded up to 8)
     * @return the value, or null if there is none
     */
    byte[] lookup(int fd, byte[] k, int size) throws IOException {
        Memory vm = value(size);
        elemAttr(fd, key(k), vm, 0);
        try {
            call(MAP_LOOKUP_ELEM, 32);
        } catch (BpfException e) {
            if (e.errno == ENOENT) {
                return null;
            }
            throw e;
        }
        return vm.getByteArray(0, size);
    }

    /** What one test run of a program returned. */
    record TestRun(int verdict, byte[] out) {
    }

    /**
     * Runs a program once on a packet (BPF_PROG_TEST_RUN), without any interface.
     *
     * @param prog the program
     * @param in the frame
     * @return the verdict and the frame as the program left it
     */
    TestRun testRun(int prog, byte[] in) throws IOException {
        int outSize = in.length + 256;
        Memory im = new Memory(in.length);
        Memory om = new Memory(outSize);
        im.write(0, in, 0, in.length);
        attr.clear();
        attr.setInt(0, prog);
        attr.setInt(8, in.length);
        attr.setInt(12, outSize);
        attr.setLong(16, Pointer.nativeValue(im));
        attr.setLong(24, Pointer.nativeValue(om));
        attr.setInt(32, 1);
        call(PROG_TEST_RUN, 80);
        int verdict = attr.getInt(4);
        int size = attr.getInt(12);
        return new TestRun(verdict, om.getByteArray(0, Math.min(size, outSize)));
    }
}
