package io.mga.engine.mobility;

import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import java.util.List;

/** Rebuilding a message with another option list: what signing needs (the layout stays the same). */
final class MobilityMessages {
    private MobilityMessages() {
    }

    /**
     * @param m a Binding Update or Binding Acknowledgement (the messages mga signs)
     * @param options the new options
     * @return the same message with these options
     */
    static MobilityMessage withOptions(MobilityMessage m, List<MobilityOption> options) {
        if (m instanceof MobilityMessage.BindingUpdate bu) {
            return new MobilityMessage.BindingUpdate(bu.sequence(), bu.flags(), bu.lifetime(), options);
        }
        if (m instanceof MobilityMessage.BindingAcknowledgement ba) {
            return new MobilityMessage.BindingAcknowledgement(ba.status(), ba.flags(), ba.sequence(), ba.lifetime(),
                    options);
        }
        throw new IllegalArgumentException("only Binding Updates and Acknowledgements are signed, got " + m);
    }
}
