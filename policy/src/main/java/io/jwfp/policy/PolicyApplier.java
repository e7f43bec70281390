package io.jwfp.policy;

import io.jwfp.bfe.FwpmEngine;
import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.FwpError;
import io.jwfp.engine.FwpException;
import io.jwfp.engine.callout.CalloutProvider;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmAction;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmDisplayData;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmProvider;
import io.jwfp.engine.model.FwpmSubLayer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;

/**
 * Applies a {@link Policy} through a session in one transaction: every object is added, or none is. Callouts with an
 * {@code implementation} are registered (FwpsCalloutRegister) before the commit, so their filters never act as
 * "callout not registered" in between.
 */
public final class PolicyApplier {
    private PolicyApplier() {}

    /** What happens to objects that already exist with a policy object's key. */
    public enum Mode {
        /** Fail with FWP_E_ALREADY_EXISTS (as FwpmXxxAdd would). */
        ADD,
        /** Delete them first, in the same transaction, so re-applying a file converges. */
        REPLACE
    }

    /** What an apply added: filter ids and callout ids by name. */
    public record Result(Map<String, Long> filterIds, Map<String, Integer> calloutIds, List<String> registeredCallouts) {}

    /** The callout implementations on the class path (ServiceLoader), by id. */
    public static Map<String, CalloutProvider> implementations() {
        Map<String, CalloutProvider> m = new LinkedHashMap<>();
        for (CalloutProvider p : ServiceLoader.load(CalloutProvider.class)) m.putIfAbsent(p.id(), p);
        return m;
    }

    public static Result apply(Policy policy, FwpmEngine engine, Mode mode) {
        return apply(policy, engine, mode, implementations());
    }

    public static Result apply(Policy policy, FwpmEngine engine, Mode mode, Map<String, CalloutProvider> impls) {
        String file = policy.file() == null ? "<policy>" : policy.file().toString();
        FilterEngine fe = engine.bfe().filterEngine();

        // Build run-time callouts first: a bad implementation name or config fails before anything changes.
        Map<UUID, FwpsCallout> toRegister = new LinkedHashMap<>();
        for (Policy.Callout c : policy.callouts()) {
            if (c.implementation() == null) continue;
            CalloutProvider p = impls.get(c.implementation());
            if (p == null) {
                throw new PolicyException(file, c.implementationWhere().line(), c.implementationWhere().path(),
                        "no callout implementation '" + c.implementation() + "' (available: " + String.join(", ", impls.keySet()) + ")");
            }
            try {
                toRegister.put(c.key(), p.create(c.key(), c.layer(), c.config(), fe.kernel()));
            } catch (IllegalArgumentException e) {
                throw new PolicyException(file, c.where().line(), c.where().path() + ".config", e.getMessage());
            }
        }

        engine.transactionBegin(0);
        List<UUID> registered = new ArrayList<>();
        Map<UUID, FwpsCallout> replaced = new LinkedHashMap<>();
        boolean ok = false;
        try {
            if (mode == Mode.REPLACE) removeExisting(policy, engine);
            for (Policy.Provider p : policy.providers()) {
                at(file, p.where(), () -> engine.providerAdd(new FwpmProvider(p.key(), new FwpmDisplayData(p.name(), p.description()),
                        p.persistent() ? FwpmProvider.FWPM_PROVIDER_FLAG_PERSISTENT : 0, null, null)));
            }
            for (Policy.Sublayer s : policy.sublayers()) {
                at(file, s.where(), () -> engine.subLayerAdd(new FwpmSubLayer(s.key(), new FwpmDisplayData(s.name(), s.description()),
                        s.persistent() ? FwpmSubLayer.FWPM_SUBLAYER_FLAG_PERSISTENT : 0, s.providerKey(), null, s.weight())));
            }
            Map<String, Integer> calloutIds = new LinkedHashMap<>();
            for (Policy.Callout c : policy.callouts()) {
                int id = at(file, c.where(), () -> engine.calloutAdd(new FwpmCallout(c.key(), new FwpmDisplayData(c.name(), c.description()),
                        c.persistent() ? FwpmCallout.FWPM_CALLOUT_FLAG_PERSISTENT : 0, c.providerKey(), null, c.layer(), 0)));
                calloutIds.put(c.name(), id);
            }
            // Register before filters are added so ADD_FILTER notifications reach the implementation.
            for (var e : toRegister.entrySet()) {
                FwpsCallout old = fe.callouts().byKey(e.getKey());
                if (old != null) {
                    fe.calloutUnregisterByKey(e.getKey());
                    replaced.put(e.getKey(), old);
                }
                fe.calloutRegister(e.getValue());
                registered.add(e.getKey());
            }
            Map<String, Long> filterIds = new LinkedHashMap<>();
            for (Policy.Filter f : policy.filters()) {
                FwpmFilter ff = FwpmFilter.builder().filterKey(f.key()).displayData(new FwpmDisplayData(f.name(), f.description()))
                        .flags(f.flags()).providerKey(f.providerKey()).layer(f.layer()).subLayer(f.subLayerKey())
                        .weight(f.weight()).conditions(f.conditions())
                        .action(new FwpmAction(f.action(), f.calloutKey())).rawContext(f.rawContext()).build();
                filterIds.put(f.name(), at(file, f.where(), () -> engine.filterAdd(ff)));
            }
            engine.transactionCommit();
            ok = true;
            List<String> names = new ArrayList<>();
            for (Policy.Callout c : policy.callouts()) if (c.implementation() != null) names.add(c.name() + "=" + c.implementation());
            return new Result(filterIds, calloutIds, names);
        } finally {
            if (!ok) {
                if (engine.inTransaction()) engine.transactionAbort();
                for (UUID k : registered) fe.calloutUnregisterByKey(k);
                for (FwpsCallout old : replaced.values()) fe.calloutRegister(old);
            }
        }
    }

    /**
     * Removes a policy's objects — filters, callouts, sublayers, providers, by key, in one transaction — and then
     * unregisters its callout implementations: what unloading a sample driver does (the counterpart of
     * {@link #apply}). Objects that are already gone are skipped; one still referenced by objects of another policy
     * fails the whole removal with FWP_E_IN_USE.
     *
     * @return the keys of the callouts that were unregistered
     */
    public static List<UUID> remove(Policy policy, FwpmEngine engine) {
        String file = policy.file() == null ? "<policy>" : policy.file().toString();
        engine.transactionBegin(0);
        boolean ok = false;
        try {
            try {
                removeExisting(policy, engine);
            } catch (FwpException e) {
                throw new PolicyException(file, 0, "(remove)", e.getMessage());
            }
            engine.transactionCommit();
            ok = true;
        } finally {
            if (!ok && engine.inTransaction()) engine.transactionAbort();
        }
        // Unregister after the filters are gone, so none is left pointing at an unregistered callout (which blocks).
        FilterEngine fe = engine.bfe().filterEngine();
        List<UUID> unregistered = new ArrayList<>();
        for (Policy.Callout c : policy.callouts()) {
            if (c.implementation() != null && fe.callouts().byKey(c.key()) != null) {
                fe.calloutUnregisterByKey(c.key());
                unregistered.add(c.key());
            }
        }
        return unregistered;
    }

    private static void removeExisting(Policy policy, FwpmEngine engine) {
        for (Policy.Filter f : policy.filters()) {
            try {
                engine.filterDeleteByKey(f.key());
            } catch (FwpException e) {
                if (e.error() != FwpError.FWP_E_FILTER_NOT_FOUND) throw e;
            }
        }
        // Filters from earlier applies that still use these callouts/sublayers keep them (FWP_E_IN_USE) - reported.
        for (Policy.Callout c : policy.callouts()) {
            try {
                engine.calloutDeleteByKey(c.key());
            } catch (FwpException e) {
                if (e.error() != FwpError.FWP_E_CALLOUT_NOT_FOUND) throw e;
            }
        }
        for (Policy.Sublayer s : policy.sublayers()) {
            try {
                engine.subLayerDeleteByKey(s.key());
            } catch (FwpException e) {
                if (e.error() != FwpError.FWP_E_SUBLAYER_NOT_FOUND) throw e;
            }
        }
        for (Policy.Provider p : policy.providers()) {
            try {
                engine.providerDeleteByKey(p.key());
            } catch (FwpException e) {
                if (e.error() != FwpError.FWP_E_PROVIDER_NOT_FOUND) throw e;
            }
        }
    }

    private interface Op<T> {
        T run();
    }

    private static <T> T at(String file, Policy.Where w, Op<T> op) {
        try {
            return op.run();
        } catch (FwpException e) {
            throw new PolicyException(file, w.line(), w.path(), e.getMessage());
        }
    }
}
