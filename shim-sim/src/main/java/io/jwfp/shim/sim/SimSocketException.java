package io.jwfp.shim.sim;

/** A socket call failed; {@link #error()} is the Winsock error name (WSAEACCES, WSAEADDRINUSE, ...). */
public final class SimSocketException extends RuntimeException {
    private final String error;

    public SimSocketException(String error, String message) {
        super(error + ": " + message);
        this.error = error;
    }

    public String error() {
        return error;
    }
}
