"""The access log (NEN 7513): who read or changed which patient's data, when, from where.

Append-only and tamper-evident: each entry carries the SHA-256 of the one before it
(``chain``), the ORM refuses to update or delete an entry (``models``), and on PostgreSQL a
trigger refuses it too. ``backpath auditlog verify`` names the first entry that breaks the
chain. Only ``services.prune`` removes entries, past the retention period, and logs that it
did, with the hash the remaining chain starts from.
"""
