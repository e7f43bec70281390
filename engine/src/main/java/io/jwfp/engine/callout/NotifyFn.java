package io.jwfp.engine.callout;

import io.jwfp.engine.FwpError;
import java.util.UUID;

/**
 * FWPS_CALLOUT_NOTIFY_FN: told when a filter naming the callout is added or deleted. Returning an error from an
 * ADD_FILTER notification vetoes the add (the management call fails with FWP_E_CALLOUT_NOTIFICATION_FAILED).
 */
@FunctionalInterface
public interface NotifyFn {
    /** Notification types (FWPS_CALLOUT_NOTIFY_TYPE). */
    enum NotifyType {
        FWPS_CALLOUT_NOTIFY_ADD_FILTER,
        FWPS_CALLOUT_NOTIFY_DELETE_FILTER,
        FWPS_CALLOUT_NOTIFY_ADD_FILTER_POST_COMMIT
    }

    /** @return null to accept, or an error to veto an add */
    FwpError notify(NotifyType notifyType, UUID filterKey, FwpsFilter filter);

    NotifyFn NONE = (t, k, f) -> null;
}
