package com.insidellm.googlegenai;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import okhttp3.RequestBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.ByteString;
import okio.Source;
import okio.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of a request or response body, read where they already are instead of copied into a new buffer: the
 * SDK's request body is one byte array ({@code RequestBody.create(String, MediaType)}) that it writes in one call,
 * and a buffered answer of a few kilobytes usually sits in one okio segment. The bytes are only valid until the body's
 * owner goes on (the next write to the segment, the SDK reading the answer), so they are read at once.
 */
final class BodyBytes {

    final byte[] bytes;
    final int offset;
    final int length;

    private BodyBytes(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
    }

    /** A copy of these bytes in an array of its own, to be read after their owner went on. */
    BodyBytes copy() {
        return new BodyBytes(java.util.Arrays.copyOfRange(bytes, offset, offset + length), 0, length);
    }

    /** What {@code body} writes: its own array when it writes one, else a copy. */
    static BodyBytes of(RequestBody body) throws IOException {
        Capture capture = new Capture();
        try {
            body.writeTo(capture);
        } catch (AbstractMethodError e) {
            // An okio newer than the one compiled against, whose sink method this body called: copy as before.
            Buffer buffer = new Buffer();
            body.writeTo(buffer);
            byte[] copy = buffer.readByteArray();
            return new BodyBytes(copy, 0, copy.length);
        }
        return capture.bytes();
    }

    /** The bytes of {@code buffer}, left unread: the segment's own array when they fill one, else a copy. */
    static BodyBytes of(Buffer buffer) throws IOException {
        Capture capture = new Capture();
        buffer.copyTo(capture.outputStream(), 0, buffer.size());
        return capture.bytes();
    }

    /**
     * A sink that keeps a reference to the one array written to it, and copies only from a second write on.
     * Everything but {@code write(byte[], int, int)} goes to a buffer.
     */
    private static final class Capture implements BufferedSink {
        private byte @Nullable [] first;
        private int firstOffset;
        private int firstLength;
        private @Nullable Buffer spilled;

        BodyBytes bytes() {
            if (spilled == null) {
                return first == null ? new BodyBytes(new byte[0], 0, 0) : new BodyBytes(first, firstOffset,
                        firstLength);
            }
            byte[] copy = spilled.readByteArray();
            return new BodyBytes(copy, 0, copy.length);
        }

        /** The buffer that holds everything written so far. */
        private Buffer spill() {
            if (spilled == null) {
                spilled = new Buffer();
                if (first != null) {
                    spilled.write(first, firstOffset, firstLength);
                    first = null;
                }
            }
            return spilled;
        }

        @Override
        public BufferedSink write(byte[] source, int offset, int byteCount) {
            if (first == null && spilled == null) {
                first = source;
                firstOffset = offset;
                firstLength = byteCount;
            } else {
                spill().write(source, offset, byteCount);
            }
            return this;
        }

        @Override
        public BufferedSink write(byte[] source) {
            return write(source, 0, source.length);
        }

        @Override
        public OutputStream outputStream() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    spill().writeByte(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    Capture.this.write(b, off, len);
                }
            };
        }

        @Override
        public Buffer buffer() {
            return spill();
        }

        @Override
        public Buffer getBuffer() {
            return spill();
        }

        @Override
        public BufferedSink write(ByteString byteString) {
            spill().write(byteString);
            return this;
        }

        @Override
        public BufferedSink write(ByteString byteString, int offset, int byteCount) {
            spill().write(byteString, offset, byteCount);
            return this;
        }

        @Override
        public long writeAll(Source source) throws IOException {
            return spill().writeAll(source);
        }

        @Override
        public BufferedSink write(Source source, long byteCount) throws IOException {
            spill().write(source, byteCount);
            return this;
        }

        @Override
        public void write(Buffer source, long byteCount) {
            spill().write(source, byteCount);
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            return spill().write(source);
        }

        @Override
        public BufferedSink writeUtf8(String string) {
            spill().writeUtf8(string);
            return this;
        }

        @Override
        public BufferedSink writeUtf8(String string, int beginIndex, int endIndex) {
            spill().writeUtf8(string, beginIndex, endIndex);
            return this;
        }

        @Override
        public BufferedSink writeUtf8CodePoint(int codePoint) {
            spill().writeUtf8CodePoint(codePoint);
            return this;
        }

        @Override
        public BufferedSink writeString(String string, Charset charset) {
            spill().writeString(string, charset);
            return this;
        }

        @Override
        public BufferedSink writeString(String string, int beginIndex, int endIndex, Charset charset) {
            spill().writeString(string, beginIndex, endIndex, charset);
            return this;
        }

        @Override
        public BufferedSink writeByte(int b) {
            spill().writeByte(b);
            return this;
        }

        @Override
        public BufferedSink writeShort(int s) {
            spill().writeShort(s);
            return this;
        }

        @Override
        public BufferedSink writeShortLe(int s) {
            spill().writeShortLe(s);
            return this;
        }

        @Override
        public BufferedSink writeInt(int i) {
            spill().writeInt(i);
            return this;
        }

        @Override
        public BufferedSink writeIntLe(int i) {
            spill().writeIntLe(i);
            return this;
        }

        @Override
        public BufferedSink writeLong(long v) {
            spill().writeLong(v);
            return this;
        }

        @Override
        public BufferedSink writeLongLe(long v) {
            spill().writeLongLe(v);
            return this;
        }

        @Override
        public BufferedSink writeDecimalLong(long v) {
            spill().writeDecimalLong(v);
            return this;
        }

        @Override
        public BufferedSink writeHexadecimalUnsignedLong(long v) {
            spill().writeHexadecimalUnsignedLong(v);
            return this;
        }

        @Override
        public BufferedSink emit() {
            return this;
        }

        @Override
        public BufferedSink emitCompleteSegments() {
            return this;
        }

        @Override
        public void flush() {
        }

        @Override
        public Timeout timeout() {
            return Timeout.NONE;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
