package io.mga.wire.mga;

import io.mga.api.Bytes;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;

/**
 * MGA's weight and load of a responder, carried in a Binding Update as a Vendor-Specific Mobility Option
 * (RFC 5094, type 19) with vendor ID {@value #VENDOR_ID} (the enterprise number RFC 5612 reserves for
 * documentation, until mga has its own) and subtype {@value #SUBTYPE}: data = weight (16 bits) | load (16 bits).
 * Standard tools decode it as a vendor option.
 *
 * @param weight the responder's weight, 0 to 65535
 * @param load its current load, 0 to 65535
 */
public record WeightLoad(int weight, int load) {
    /** The vendor ID of mga's options: RFC 5612's documentation enterprise number. */
    public static final long VENDOR_ID = 32473;
    /** The subtype of the weight/load option. */
    public static final int SUBTYPE = 1;
    /** What a responder that says nothing has: weight 1, load 0. */
    public static final WeightLoad DEFAULT = new WeightLoad(1, 0);

    /**
     * Validates the fields.
     *
     * @param weight 0 to 65535
     * @param load 0 to 65535
     * @throws IllegalArgumentException if out of range
     */
    public WeightLoad {
        if ((weight & ~0xffff) != 0 || (load & ~0xffff) != 0) {
            throw new IllegalArgumentException("weight and load are 0..65535, got " + weight + " and " + load);
        }
    }

    /** @return the option that carries this weight and load */
    public MobilityOption.VendorSpecific toOption() {
        return new MobilityOption.VendorSpecific(VENDOR_ID, SUBTYPE,
                Bytes.of(new byte[] {(byte) (weight >>> 8), (byte) weight, (byte) (load >>> 8), (byte) load}));
    }

    /**
     * The weight and load an option carries.
     *
     * @param o a Vendor-Specific option
     * @return the weight and load, or null when the option is another vendor's, another subtype, or too short
     */
    public static WeightLoad from(MobilityOption.VendorSpecific o) {
        if (o.vendorId() != VENDOR_ID || o.subtype() != SUBTYPE || o.data().length() < 4) {
            return null;
        }
        Bytes d = o.data();
        return new WeightLoad(d.get(0) << 8 | d.get(1), d.get(2) << 8 | d.get(3));
    }

    /**
     * The weight and load a message carries (its first mga weight/load option).
     *
     * @param m a mobility message
     * @return the weight and load, or null when it carries none
     */
    public static WeightLoad in(MobilityMessage m) {
        for (MobilityOption o : m.options()) {
            if (o instanceof MobilityOption.VendorSpecific v) {
                WeightLoad w = from(v);
                if (w != null) {
                    return w;
                }
            }
        }
        return null;
    }
}
