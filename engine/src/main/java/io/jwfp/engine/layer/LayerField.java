package io.jwfp.engine.layer;

import io.jwfp.engine.value.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One classifiable field of a layer (an FWPM_FIELD0 and its FWPS_FIELD_* index).
 *
 * @param index     the FWPS field index: the position in {@code inFixedValues->incomingValue[]}
 * @param condition the FWPM_CONDITION_* identifying the field
 * @param fieldType how netsh presents the field
 * @param dataType  the run-time data type of the incoming value
 */
public record LayerField(int index, ConditionKey condition, FieldType fieldType, DataType dataType) {

    static List<LayerField> parseSpec(String spec) {
        List<LayerField> out = new ArrayList<>();
        for (String tok : spec.trim().split("\\s+")) {
            String[] p = tok.split(":");
            ConditionKey c = Conditions.byName("FWPM_CONDITION_" + p[0]);
            if (c == null) throw new AssertionError("layer catalog names an unknown condition: " + p[0]);
            FieldType ft = switch (p[1]) {
                case "A" -> FieldType.FWPM_FIELD_IP_ADDRESS;
                case "F" -> FieldType.FWPM_FIELD_FLAGS;
                default -> FieldType.FWPM_FIELD_RAW_DATA;
            };
            out.add(new LayerField(out.size(), c, ft, DataType.valueOf("FWP_" + p[2])));
        }
        return List.copyOf(out);
    }

    static int[] indexByCondition(List<LayerField> fields) {
        int max = 0;
        for (LayerField f : fields) max = Math.max(max, f.condition().ordinal());
        int[] idx = new int[max + 1];
        Arrays.fill(idx, -1);
        for (LayerField f : fields) idx[f.condition().ordinal()] = f.index();
        return idx;
    }
}
