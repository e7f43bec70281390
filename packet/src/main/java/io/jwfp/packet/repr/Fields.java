package io.jwfp.packet.repr;

/** Argument checks shared by the records; messages name the field and the expected range. */
final class Fields {
    private Fields() {}

    static void check(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + "-" + max + ")");
        }
    }

    static byte[] copy(String name, byte[] b) {
        if (b == null) {
            throw new NullPointerException(name);
        }
        return b.clone();
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 2);
        for (byte x : b) {
            s.append(Character.forDigit(x >>> 4 & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return s.toString();
    }
}
