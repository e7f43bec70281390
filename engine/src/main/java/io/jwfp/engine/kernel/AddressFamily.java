package io.jwfp.engine.kernel;

/** ADDRESS_FAMILY values the injection functions take. */
public enum AddressFamily {
    AF_UNSPEC,
    AF_INET,
    AF_INET6
}
