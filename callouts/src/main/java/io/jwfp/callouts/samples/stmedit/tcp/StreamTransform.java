package io.jwfp.callouts.samples.stmedit.tcp;

/**
 * An incremental edit of one direction of a byte stream: fed the stream's bytes in order, in pieces of any size,
 * it returns the edited bytes it can already decide on and holds back what the next bytes may still change (a
 * partial match). The concatenation of all outputs must not depend on how the input was cut. Not thread-safe: one
 * instance per stream direction, fed by one thread at a time.
 */
public interface StreamTransform {
    /** The next {@code len} input bytes from {@code off}; returns the output they settle (maybe empty). */
    byte[] push(byte[] data, int off, int len);

    /** End of the stream: returns everything still held (edited as the end allows). */
    byte[] finish();

    /** The stream unchanged. */
    static StreamTransform identity() {
        return new StreamTransform() {
            @Override
            public byte[] push(byte[] data, int off, int len) {
                return java.util.Arrays.copyOfRange(data, off, off + len);
            }

            @Override
            public byte[] finish() {
                return new byte[0];
            }
        };
    }

    /**
     * {@code inner} until {@code stopped} says otherwise; from then on what {@code inner} held comes out first and
     * every later byte passes unedited. How a rewriter stops editing a connection it must keep renumbering.
     */
    static StreamTransform stoppable(StreamTransform inner, java.util.function.BooleanSupplier stopped) {
        return new StreamTransform() {
            private boolean passing;

            @Override
            public byte[] push(byte[] data, int off, int len) {
                if (!passing && !stopped.getAsBoolean()) return inner.push(data, off, len);
                byte[] held = passing ? new byte[0] : inner.finish();
                passing = true;
                byte[] r = java.util.Arrays.copyOf(held, held.length + len);
                System.arraycopy(data, off, r, held.length, len);
                return r;
            }

            @Override
            public byte[] finish() {
                return passing ? new byte[0] : inner.finish();
            }
        };
    }

    /** {@code first}'s output fed to {@code second} (stmedit's two chained sets). */
    static StreamTransform chain(StreamTransform first, StreamTransform second) {
        return new StreamTransform() {
            @Override
            public byte[] push(byte[] data, int off, int len) {
                byte[] a = first.push(data, off, len);
                return second.push(a, 0, a.length);
            }

            @Override
            public byte[] finish() {
                byte[] a = first.finish();
                byte[] b = second.push(a, 0, a.length);
                byte[] c = second.finish();
                byte[] r = java.util.Arrays.copyOf(b, b.length + c.length);
                System.arraycopy(c, 0, r, b.length, c.length);
                return r;
            }
        };
    }
}
