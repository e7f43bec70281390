package io.jwfp.shim.sim.explain;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.arbitration.RecordingTrace;
import io.jwfp.engine.callout.CalloutTable;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.state.CompiledFilter;
import io.jwfp.engine.value.AppIds;
import io.jwfp.engine.value.ClassifyFacts;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.packet.InetBits;
import io.jwfp.shim.sim.trace.Direction;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs one flow through every layer it crosses on the local host ({@link FlowPath}), in order, with
 * {@link FilterEngine#explain} (no hit counted, no net event) and a {@link RecordingTrace} at each, and stops
 * classifying at the first layer that blocks: later layers are listed as not reached, since the flow never gets there.
 *
 * <p>What each layer sees is what the simulator would give it ({@link ClassifyFacts}, the one facts-to-fields mapping):
 * protocol, local and remote address and port from the local host's side (ICMP: type and code in the port fields),
 * direction, ALE_APP_ID when an application is given, and the loopback flag. What explain cannot know stays FWP_EMPTY:
 * interfaces, user, packet contents (callouts get no layer data). Conditions on them do not match.
 *
 * <p>Callouts run only when the caller's table holds them; against jwfpd's live engine that is the ones declared
 * free of side effects ({@link #sideEffectFree}); a filter whose callout was left out is explained as WFP treats an
 * unregistered callout, and says so.
 *
 * <p>Thread safety: stateless; safe on any thread, concurrently with the engine's classifications.
 */
public final class FlowExplainer {
    private FlowExplainer() {}

    /** The callouts of {@code table} that explain may run against a live engine: those free of side effects. */
    public static CalloutTable sideEffectFree(CalloutTable table) {
        return table.mapped(c -> (c.flags() & FwpsCallout.JWFP_CALLOUT_FLAG_NO_SIDE_EFFECTS) != 0 ? c : null);
    }

    /**
     * The ALE_APP_ID blob for an application: a Windows NT device path ({@code \device\harddiskvolume3\...}) is
     * lower-cased as Windows stores app ids; a Linux path is kept as given (see {@link AppIds}).
     */
    public static byte[] appId(String app) {
        String path = app.startsWith("\\") ? app.toLowerCase(Locale.ROOT) : app;
        return AppIds.encode(path);
    }

    /**
     * Explains {@code flow}.
     *
     * @param engine   the engine whose filters decide
     * @param callouts the callouts explain may run (the engine's own table, or {@link #sideEffectFree} of it)
     * @param outbound true if the local host opens the flow (its source is local), false if it accepts it
     * @param app      the application's path for ALE_APP_ID, or null
     */
    public static FlowExplanation explain(FilterEngine engine, CalloutTable callouts, FlowSpec flow, boolean outbound,
                                          String app) {
        if (flow.isIcmpError()) {
            throw new IllegalArgumentException("ICMP error messages (type " + flow.icmpType()
                    + ") are not explained: they cross no ALE layer and quote another flow; explain that flow instead");
        }
        List<FlowPath.Step> path = FlowPath.of(flow.protocol(), flow.isV6(), outbound);
        byte[] appId = app == null ? null : appId(app);
        InetAddress local = outbound ? flow.source() : flow.destination();
        InetAddress remote = outbound ? flow.destination() : flow.source();
        int localPort = outbound ? flow.sourcePort() : flow.destinationPort();
        int remotePort = outbound ? flow.destinationPort() : flow.sourcePort();
        boolean loopback = local.isLoopbackAddress() || local.equals(remote);

        List<FlowExplanation.LayerStep> steps = new ArrayList<>();
        int blocking = -1;
        ClassifyFacts facts = new ClassifyFacts();
        // The echo path carries any other ICMP message one way; its steps are named after the message, not an echo.
        String icmpEvent = flow.isIcmp() && !flow.isEchoRequest() ? "icmp-type-" + flow.icmpType() : null;
        for (FlowPath.Step step : path) {
            // FlowPath gives the layers of the flow's IP version already.
            Layer layer = step.layer();
            if (flow.isIcmp() && step.answer() && !flow.isEchoRequest()) continue; // only an echo has a known answer
            String event = icmpEvent != null && !step.isSocketOperation() && step.event().startsWith("echo") ? icmpEvent : step.event();
            if (blocking >= 0) {
                steps.add(new FlowExplanation.LayerStep(event, layer.name(), step.direction().label(), false,
                        null, 0, null, null, false, false, false, List.of()));
                continue;
            }
            facts.reset();
            facts.v6 = layer.ipVersion() == IpVersion.V6;
            facts.protocol = flow.protocol();
            facts.local(hi(local), lo(local));
            facts.localAddressType = addressType(local);
            if (!step.isSocketOperation()) {
                facts.remote(hi(remote), lo(remote));
                facts.remoteAddressType = addressType(remote);
            }
            if (flow.isIcmp()) {
                if (!step.isSocketOperation()) {
                    facts.localPort = step.answer() ? flow.echoReplyType() : flow.icmpType();
                    facts.remotePort = step.answer() ? 0 : flow.icmpCode();
                }
            } else {
                facts.localPort = localPort;
                if (!step.isSocketOperation()) facts.remotePort = remotePort;
            }
            facts.flags = loopback ? ConditionFlags.FWP_CONDITION_FLAG_IS_LOOPBACK : 0;
            facts.compartmentId = 1; // the default compartment, as the simulator's hosts
            if (step.direction() == Direction.INBOUND) facts.direction = ConditionFlags.FWP_DIRECTION_INBOUND;
            else if (step.direction() == Direction.OUTBOUND) facts.direction = ConditionFlags.FWP_DIRECTION_OUTBOUND;
            if (layer.isAle()) facts.appId = appId;
            FwpsIncomingValues in = new FwpsIncomingValues(layer);
            facts.fillInto(in);

            FwpsIncomingMetadataValues meta = new FwpsIncomingMetadataValues().setCompartmentId(1);
            if (facts.direction >= 0) meta.setPacketDirection(facts.direction);
            RecordingTrace trace = new RecordingTrace();
            ClassifyResult r = new ClassifyResult();
            engine.explain(in, meta, null, r, trace, callouts, null);
            FlowExplanation.LayerStep ls = layerStep(step, event, layer, r, trace, engine.callouts(), callouts);
            if (ls.blocked()) blocking = steps.size();
            steps.add(ls);
        }
        return new FlowExplanation(flow.toString(), outbound ? "outbound" : "inbound", app,
                blocking < 0 ? ActionType.FWP_ACTION_PERMIT.name() : ActionType.FWP_ACTION_BLOCK.name(), blocking, steps);
    }

    private static FlowExplanation.LayerStep layerStep(FlowPath.Step step, String event, Layer layer, ClassifyResult r,
                                                       RecordingTrace trace, CalloutTable engineCallouts,
                                                       CalloutTable explainCallouts) {
        CompiledFilter d = r.decidingFilter();
        List<FlowExplanation.SublayerStep> subs = new ArrayList<>();
        for (RecordingTrace.SublayerStep s : trace.sublayers()) {
            List<FlowExplanation.FilterStep> fs = new ArrayList<>();
            for (RecordingTrace.FilterStep f : s.filters()) {
                CompiledFilter cf = f.filter();
                String note = f.note();
                if (!f.invoked() && cf.actionType().isCallout() && explainCallouts.byId(cf.calloutId()) == null
                        && engineCallouts.byId(cf.calloutId()) != null) {
                    note = "callout not run by explain (not declared free of side effects), taken as unregistered: "
                            + note.replace("callout not registered: ", "");
                }
                fs.add(new FlowExplanation.FilterStep(cf.filterId(), cf.definition().name(),
                        String.valueOf(cf.definition().filterKey()), Long.toUnsignedString(cf.weight()),
                        cf.actionType().name(), f.result().name(), f.invoked(),
                        f.returned() == null ? null : f.returned().name(), note, cf == d));
            }
            subs.add(new FlowExplanation.SublayerStep(s.sublayer().sublayer().name(),
                    String.valueOf(s.sublayer().sublayer().subLayerKey()), s.sublayer().sublayer().weight(),
                    s.entryWriteRight(), s.result().name(), s.effect(), fs));
        }
        return new FlowExplanation.LayerStep(event, layer.name(), step.direction().label(), true,
                r.action().name(), r.filterId(), d == null ? null : d.definition().name(),
                d == null ? null : String.valueOf(d.definition().filterKey()), r.isHard(), r.isVeto(), r.isAbsorbed(),
                subs);
    }

    private static long hi(InetAddress a) {
        return a instanceof Inet6Address v6 ? InetBits.v6Hi(v6) : 0;
    }

    private static long lo(InetAddress a) {
        return a instanceof Inet6Address v6 ? InetBits.v6Lo(v6) : Integer.toUnsignedLong(InetBits.v4((Inet4Address) a));
    }

    private static int addressType(InetAddress a) {
        if (a instanceof Inet6Address v6) return ClassifyFacts.addressTypeV6(InetBits.v6Hi(v6));
        return ClassifyFacts.addressTypeV4(InetBits.v4((Inet4Address) a));
    }
}
