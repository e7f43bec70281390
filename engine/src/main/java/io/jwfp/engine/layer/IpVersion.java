package io.jwfp.engine.layer;

/** FWP_IP_VERSION. */
public enum IpVersion {
    V4,
    V6
}
