package com.insidellm.internal;

import java.io.OutputStream;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link WireWriter}'s generator flushes its buffer: on the final flush of an event that fit the generator's
 * buffer, straight into the event's own array (one copy), otherwise collected here first. Internal; one per writer.
 */
final class WireSink extends OutputStream {

    private byte[] buf = new byte[0];
    private int count;
    /** Set before the flush that ends an event. */
    boolean finishing;
    private byte @Nullable [] result;

    @Override
    public void write(int b) {
        ensure(1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (finishing && count == 0) {
            // The whole event in one piece, and the last write before take(): no intermediate copy.
            result = Arrays.copyOfRange(b, off, off + len);
            return;
        }
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    private void ensure(int more) {
        if (count + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(count + more, Math.max(8192, buf.length * 2)));
        }
    }

    /** The event's bytes; the sink is empty again (and lets go of a buffer an unusually large event grew). */
    byte[] take() {
        byte[] out = result != null ? result : Arrays.copyOf(buf, count);
        result = null;
        count = 0;
        finishing = false;
        if (buf.length > 1 << 16) {
            buf = new byte[0];
        }
        return out;
    }
}
