"""A third party's software kind for tiered: a replicated key-value store, ``example-kv``."""
