package io.jwfp.engine.layer;

/** FWPM_FIELD_TYPE: how a layer field is presented to management tools. */
public enum FieldType {
    FWPM_FIELD_RAW_DATA,
    FWPM_FIELD_IP_ADDRESS,
    FWPM_FIELD_FLAGS
}
