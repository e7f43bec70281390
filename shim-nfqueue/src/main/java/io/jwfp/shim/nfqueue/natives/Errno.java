package io.jwfp.shim.nfqueue.natives;

/** Symbolic names for the errno values this shim can meet, so messages say {@code EPERM}, not just a number. */
public final class Errno {
    private Errno() {}

    /** Returns the symbolic name of {@code errno}, or {@code null} for values the shim does not expect. */
    public static String name(int errno) {
        return switch (errno) {
            case Constants.EPERM -> "EPERM";
            case Constants.ENOENT -> "ENOENT";
            case Constants.EINTR -> "EINTR";
            case Constants.EBADF -> "EBADF";
            case Constants.EAGAIN -> "EAGAIN";
            case Constants.ENOMEM -> "ENOMEM";
            case Constants.EACCES -> "EACCES";
            case Constants.EBUSY -> "EBUSY";
            case Constants.ENODEV -> "ENODEV";
            case Constants.EINVAL -> "EINVAL";
            case Constants.EMSGSIZE -> "EMSGSIZE";
            case Constants.EPROTONOSUPPORT -> "EPROTONOSUPPORT";
            case Constants.EOPNOTSUPP -> "EOPNOTSUPP";
            case Constants.ENOBUFS -> "ENOBUFS";
            case Constants.ENOTSUPP -> "ENOTSUPP";
            default -> null;
        };
    }
}
