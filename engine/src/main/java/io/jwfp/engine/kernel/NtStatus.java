package io.jwfp.engine.kernel;

/**
 * The NTSTATUS values the {@link FwpsKernel} functions return, with their Windows names and codes (ntstatus.h,
 * fwpsk.h). {@link #STATUS_SUCCESS} and {@link #STATUS_PENDING} are successes; everything else is an error.
 */
public enum NtStatus {
    STATUS_SUCCESS(0x00000000),
    STATUS_PENDING(0x00000103),
    STATUS_INVALID_PARAMETER(0xC000000D),
    STATUS_INVALID_HANDLE(0xC0000008),
    STATUS_NOT_FOUND(0xC0000225),
    /** The shim cannot do this (e.g. a callout runtime function the NFQUEUE shim has no Linux equivalent for). */
    STATUS_NOT_SUPPORTED(0xC00000BB),
    STATUS_OBJECT_NAME_EXISTS(0x40000000),
    STATUS_DEVICE_BUSY(0x80000011),
    STATUS_FWP_CALLOUT_NOT_FOUND(0xC0220001),
    STATUS_FWP_NOT_FOUND(0xC0220008),
    STATUS_FWP_ALREADY_EXISTS(0xC0220009),
    STATUS_FWP_INCOMPATIBLE_LAYER(0xC022000A),
    STATUS_FWP_NULL_POINTER(0xC0220016),
    STATUS_FWP_INVALID_PARAMETER(0xC0220035),
    STATUS_FWP_TCPIP_NOT_READY(0xC0220100),
    STATUS_FWP_INJECT_HANDLE_CLOSING(0xC0220101),
    STATUS_FWP_INJECT_HANDLE_STALE(0xC0220102),
    STATUS_FWP_CANNOT_PEND(0xC0220103),
    STATUS_FWP_DROP_NOICMP(0xC0220104);

    private final int code;

    NtStatus(int code) {
        this.code = code;
    }

    /** The NTSTATUS code. */
    public int code() {
        return code;
    }

    /** NT_SUCCESS(status). */
    public boolean isSuccess() {
        return code >= 0;
    }
}
