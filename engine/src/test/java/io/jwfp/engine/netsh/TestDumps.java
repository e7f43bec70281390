package io.jwfp.engine.netsh;

import io.jwfp.engine.netsh.NetshDump.LayerEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The real {@code netsh wfp} dumps of {@code src/test/resources/netsh}, read once per test JVM with {@link NetshReader}. */
public final class TestDumps {
    /** The {@code netsh wfp show state} dump (layers with their fields, callouts, filters). */
    public static final String STATE = "windows-wfpstate.xml";
    /** The {@code netsh wfp show filters} dump of a Chinese-locale Windows 11. */
    public static final String ZH_FILTERS = "windows11-zh-filters.xml";

    private static final Map<String, NetshDump> CACHE = new ConcurrentHashMap<>();

    private TestDumps() {}

    public static NetshDump load(String file) {
        return CACHE.computeIfAbsent(file, f -> {
            try (InputStream in = TestDumps.class.getResourceAsStream("/netsh/" + f)) {
                if (in == null) throw new IllegalStateException("missing test resource netsh/" + f);
                return NetshReader.read(in, f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The layers of the show-state dump by FWPM name, in dump order. */
    public static Map<String, LayerEntry> layers() {
        Map<String, LayerEntry> out = new LinkedHashMap<>();
        for (LayerEntry l : load(STATE).layers()) out.put(l.layerKey(), l);
        return out;
    }
}
