-- The monitor's write probe: one row per instance, rewritten every pass, so /healthz knows
-- whether a transaction can still be written (a full disk, a read-only file system).
create table write_probes (
    instance text primary key,
    probed_at text not null
);
