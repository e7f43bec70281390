package io.jwfp.engine.kernel;

/**
 * A classify handle (the UINT64 FwpsAcquireClassifyHandle0 returns): names one classification so that it can be
 * pended ({@link FwpsKernel#pendClassify}), completed later and have its layer data rewritten
 * ({@link FwpsKernel#acquireWritableLayerDataPointer}). Opaque; the kernel implementation owns its state.
 */
public interface ClassifyHandle {
    /** A number for logs. */
    long id();
}
