package io.jwfp.bfe.persist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmProvider;
import io.jwfp.engine.model.FwpmSubLayer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The persistent objects in a state directory: one JSON file, {@code persistent.json}, replaced atomically (write a
 * temporary file, fsync it, rename over the old one, fsync the directory) so a crash leaves either the old state or
 * the new one, never half of each.
 */
public final class StateFile {
    /** The file format version written; loading refuses newer ones. */
    public static final int FORMAT = 1;

    private final Path file;

    public StateFile(Path dir) {
        this.file = dir.resolve("persistent.json");
    }

    public Path path() {
        return file;
    }

    /** The persistent objects, in the order they must be added back. */
    public record Contents(List<FwpmProvider> providers, List<FwpmSubLayer> sublayers, List<FwpmCallout> callouts,
                           List<FwpmFilter> filters) {}

    /** Reads the file; null when there is none yet. */
    public Contents load() throws IOException {
        if (!Files.exists(file)) return null;
        JsonNode root;
        try {
            root = ObjectJson.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("the file is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        int format = root.path("format").asInt(-1);
        if (format != FORMAT) throw new IOException("unsupported state format " + format + " (expected " + FORMAT + ")");
        try {
            List<FwpmProvider> p = new ArrayList<>();
            for (JsonNode n : root.path("providers")) p.add(ObjectJson.provider(n));
            List<FwpmSubLayer> s = new ArrayList<>();
            for (JsonNode n : root.path("sublayers")) s.add(ObjectJson.subLayer(n));
            List<FwpmCallout> c = new ArrayList<>();
            for (JsonNode n : root.path("callouts")) c.add(ObjectJson.callout(n));
            List<FwpmFilter> f = new ArrayList<>();
            for (JsonNode n : root.path("filters")) f.add(ObjectJson.filter(n));
            return new Contents(p, s, c, f);
        } catch (RuntimeException e) {
            throw new IOException("malformed object: " + e.getMessage(), e);
        }
    }

    /** Replaces the file atomically. */
    public void save(Contents c) throws IOException {
        ObjectNode root = ObjectJson.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode p = root.putArray("providers");
        for (FwpmProvider o : c.providers()) p.add(ObjectJson.provider(o));
        ArrayNode s = root.putArray("sublayers");
        for (FwpmSubLayer o : c.sublayers()) s.add(ObjectJson.subLayer(o));
        ArrayNode co = root.putArray("callouts");
        for (FwpmCallout o : c.callouts()) co.add(ObjectJson.callout(o));
        ArrayNode f = root.putArray("filters");
        for (FwpmFilter o : c.filters()) f.add(ObjectJson.filter(o));
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".persistent", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(ObjectJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // some file systems cannot fsync a directory; the rename is still atomic
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
