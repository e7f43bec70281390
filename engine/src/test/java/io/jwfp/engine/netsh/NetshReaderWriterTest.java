package io.jwfp.engine.netsh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmAction;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.netsh.NetshDump.Filter;
import io.jwfp.engine.netsh.NetshDump.Kind;
import io.jwfp.engine.netsh.NetshReader.NetshFormatException;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.value.AppIds;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** The netsh reader on the two real dumps and on broken input, and the writer against netsh's own output. */
class NetshReaderWriterTest {
    static final int CALLOUTS = 89;

    @Test
    void readsTheShowStateDumpDespiteItsBomAndSecondRootElement() {
        NetshDump d = TestDumps.load(TestDumps.STATE);
        assertThat(d.kind()).isEqualTo(Kind.STATE);
        assertThat(d.timeStamp()).isEqualTo("2024-10-22T20:48:53.891Z");
        assertThat(d.sessions()).hasSize(15);
        assertThat(d.layers()).hasSize(99);
        assertThat(d.filters()).hasSize(1254);
        assertThat(d.subLayers()).hasSize(45);
        assertThat(d.providers()).hasSize(16);
        assertThat(d.providerContexts()).hasSize(469);
        assertThat(d.callouts()).hasSize(CALLOUTS);
        // Layers netsh has no symbolic name for are printed as GUIDs.
        assertThat(d.callouts()).filteredOn(c -> c.applicableLayer().startsWith("{")).hasSize(2);
        // Every value of every condition is understood.
        assertThat(d.filters()).allSatisfy(f -> assertThat(f.conditions()).allSatisfy(c -> assertThat(c.problem()).isNull()));
        Filter fwd = d.filters().stream().filter(f -> f.filterId() == 117091).findFirst().orElseThrow();
        assertThat(fwd.providerContextKey()).isEqualTo("{999ba50e-b870-4b5c-84e6-33a0e61cc8d1}");
        assertThat(fwd.rawContext()).isNull();
        assertThat(fwd.effectiveWeight()).isEqualTo(Long.parseUnsignedLong("9223372586040164364"));
    }

    @Test
    void readsTheShowFiltersDump() {
        NetshDump d = TestDumps.load(TestDumps.ZH_FILTERS);
        assertThat(d.kind()).isEqualTo(Kind.FILTERS);
        assertThat(d.filters()).hasSize(1246);
        assertThat(d.providers()).hasSize(15);
        assertThat(d.layers()).isEmpty();
        Filter hr = d.filters().getFirst();
        assertThat(hr.name()).isEqualTo("hrwfpdrv");
        assertThat(hr.actionType()).isEqualTo("FWP_ACTION_CALLOUT_UNKNOWN");
        assertThat(hr.filterType()).isEqualTo("{b5d627a2-13f6-4d47-8015-b8a83ee487ce}");
        assertThat(hr.weight()).isEqualTo(FwpValue.EMPTY);
        assertThat(hr.rawContext()).isZero();
    }

    @Test
    void writingWhatWasReadAndReadingItAgainChangesNothing() {
        for (String file : List.of(TestDumps.STATE, TestDumps.ZH_FILTERS)) {
            NetshDump d = TestDumps.load(file);
            String once = NetshWriter.write(d);
            NetshDump again = NetshReader.parse(once, "written " + file);
            assertThat(again.kind()).isEqualTo(d.kind());
            assertThat(again.filters()).hasSameSizeAs(d.filters());
            assertThat(NetshWriter.write(again)).as(file).isEqualTo(once);
            for (int i = 0; i < d.filters().size(); i++) {
                Filter a = d.filters().get(i), b = again.filters().get(i);
                assertThat(b.fwpmConditions()).isEqualTo(a.fwpmConditions());
                assertThat(b.weight()).isEqualTo(a.weight());
                assertThat(b.effectiveWeight()).isEqualTo(a.effectiveWeight());
                assertThat(b.providerData()).isEqualTo(a.providerData());
                assertThat(b.flags()).isEqualTo(a.flags());
                assertThat(b.name()).isEqualTo(a.name());
            }
        }
    }

    /** netsh's asString rule, checked against every blob of both real dumps (conditions and provider data). */
    @Test
    void asStringIsWhatNetshPrints() throws Exception {
        int checked = 0;
        for (String file : List.of(TestDumps.STATE, TestDumps.ZH_FILTERS)) {
            String text = new String(TestDumps.class.getResourceAsStream("/netsh/" + file).readAllBytes(), StandardCharsets.UTF_8)
                    .replaceFirst("^\uFEFF", "").replaceFirst("^\\s*<\\?xml[^>]*\\?>", "");
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader("<x>" + text + "</x>")));
            NodeList all = doc.getElementsByTagName("asString");
            for (int i = 0; i < all.getLength(); i++) {
                Element as = (Element) all.item(i);
                Element holder = (Element) as.getParentNode();
                if (!holder.getTagName().equals("byteBlob") && !holder.getTagName().equals("providerData")) continue;
                byte[] data = HexFormat.of().parseHex(holder.getElementsByTagName("data").item(0).getTextContent().trim());
                assertThat(NetshWriter.asString(data, holder.getTagName().equals("byteBlob")))
                        .as("%s %s", file, holder.getTagName()).isEqualTo(as.getTextContent());
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(4000);
    }

    @Test
    void jwfpFiltersRoundTripThroughNetshXml() {
        Layer l = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
        FwpmFilter f = FwpmFilter.builder().filterKey(UUID.randomUUID()).name("no <curl> & friends")
                .layer(l).subLayer(UUID.fromString("b3cdd441-af90-41ba-a745-7c6008ff2301")).weightRange(3)
                .flags(FilterFlags.FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT)
                .condition(new FwpmFilterCondition(Conditions.FWPM_CONDITION_ALE_APP_ID, MatchType.FWP_MATCH_EQUAL,
                        AppIds.of("\\device\\harddiskvolume3\\windows\\system32\\curl.exe")))
                .condition(new FwpmFilterCondition(Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS, MatchType.FWP_MATCH_EQUAL,
                        new FwpValue.V4AddrMask(0x0A000000, FwpValue.V4AddrMask.maskOf(8))))
                .condition(new FwpmFilterCondition(Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS, MatchType.FWP_MATCH_RANGE,
                        new FwpValue.Range(FwpValue.uint32(0xC0A80001L), FwpValue.uint32(0xC0A800FFL))))
                .condition(new FwpmFilterCondition(Conditions.FWPM_CONDITION_IP_REMOTE_PORT, MatchType.FWP_MATCH_EQUAL,
                        FwpValue.uint16(443)))
                .action(new FwpmAction(ActionType.FWP_ACTION_BLOCK, null)).build().withOutputs(UUID.randomUUID(), 42, 0x1234);
        Filter rec = NetshWriter.filter(f);
        assertThat(rec.subLayerKey()).isEqualTo("FWPM_SUBLAYER_MPSSVC_WF");
        NetshDump d = new NetshDump(Kind.FILTERS, null, null, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(rec));
        String xml = NetshWriter.write(d);
        assertThat(xml).contains("<wfpdiag>", "<filterId>42</filterId>", "<uint32>192.168.0.1</uint32>",
                "<asString>\\device\\harddiskvolume3\\windows\\system32\\curl.exe</asString>",
                "<name>no &lt;curl&gt; &amp; friends</name>", "<addr>10.0.0.0</addr>", "<mask>255.0.0.0</mask>");
        Filter back = NetshReader.parse(xml, "x").filters().getFirst();
        assertThat(back.fwpmConditions()).isEqualTo(f.filterCondition());
        assertThat(back.name()).isEqualTo(f.name());
        assertThat(back.weight()).isEqualTo(f.weight());
        assertThat(back.flags()).containsExactly("FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT");
        assertThat(back.effectiveWeight()).isEqualTo(0x1234L);
    }

    @Test
    void brokenInputIsOneMessageNamingTheFile() {
        assertThatThrownBy(() -> NetshReader.parse("<wfpdiag><filters>", "a.xml"))
                .isInstanceOf(NetshFormatException.class).hasMessageStartingWith("a.xml:1: not well-formed XML");
        assertThatThrownBy(() -> NetshReader.parse("<?xml version=\"1.0\"?>\n<html/>", "b.xml"))
                .isInstanceOf(NetshFormatException.class).hasMessageContaining("b.xml: not a netsh wfp dump (root element <html>");
        assertThatThrownBy(() -> NetshReader.parse("<wfpdiag><filters><item><layerKey>FWPM_LAYER_IPFORWARD_V4</layerKey>"
                + "<weight><type>FWP_EMPTY</type></weight><action><type>FWP_ACTION_BLOCK</type></action></item>"
                + "</filters></wfpdiag>", "c.xml"))
                .isInstanceOf(NetshFormatException.class).hasMessage("c.xml: filter item 1: missing <filterId>");
        assertThatThrownBy(() -> NetshReader.parse("", "d.xml")).isInstanceOf(NetshFormatException.class)
                .hasMessageStartingWith("d.xml");
        // A condition value jwfp cannot read is kept with its problem, not thrown away.
        NetshDump d = NetshReader.parse("<wfpdiag><filters><item><layerKey>FWPM_LAYER_IPFORWARD_V4</layerKey>"
                + "<weight><type>FWP_EMPTY</type></weight><filterCondition numItems=\"1\"><item><fieldKey>FWPM_CONDITION_FLAGS"
                + "</fieldKey><matchType>FWP_MATCH_EQUAL</matchType><conditionValue><type>FWP_TOKEN_TYPE</type>"
                + "</conditionValue></item></filterCondition><action><type>FWP_ACTION_BLOCK</type></action>"
                + "<filterId>7</filterId></item></filters></wfpdiag>", "e.xml");
        assertThat(d.filters().getFirst().conditions().getFirst().problem()).isEqualTo("unknown value type FWP_TOKEN_TYPE");
    }
}
