package io.jwfp.bfe;

import java.util.UUID;

/** An object in the store, with who added it and how long it lives. */
record Stored<T>(T object, Lifetime lifetime, UUID ownerSession) {}
