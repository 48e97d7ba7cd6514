package io.mga.engine.agent;

import io.mga.api.SelectionPolicy;

/** The candidates of one selection: the slots of one anycast address's bindings, reused for every packet. */
final class CandidateView implements SelectionPolicy.Candidates {
    final int[] slots;
    int size;
    private final BindingCache cache;

    CandidateView(BindingCache cache) {
        this.cache = cache;
        this.slots = new int[cache.maxPerAnycast()];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long careOfHigh(int i) {
        return cache.careOfHigh(slots[i]);
    }

    @Override
    public long careOfLow(int i) {
        return cache.careOfLow(slots[i]);
    }

    @Override
    public int bindingId(int i) {
        return cache.bindingId(slots[i]);
    }

    @Override
    public int weight(int i) {
        return cache.weight(slots[i]);
    }

    @Override
    public int load(int i) {
        return cache.load(slots[i]);
    }
}
