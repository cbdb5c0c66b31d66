"""Nothing sent twice, nothing lost: the exactly-once machinery the send operators share.

- ``progress``: the per-chunk progress record (fingerprints, in-flight marks, owner), its stores (Airflow
  3.3's task state store, or a Variable) and the rules for a retry that finds a chunk in flight.
- ``claim``: the claim that keeps two overlapping tries of one task from sending at once.
- ``node``: Node's own way, by ``customID`` (a retry looks the ids up and skips what exists).
"""
