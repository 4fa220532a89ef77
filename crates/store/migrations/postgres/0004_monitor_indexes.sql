-- The safety monitor's hot reads (postgres). Kept in lockstep with ../sqlite/0004_monitor_indexes.sql.

-- A check-in, an extension or a return resolves the visit's open overdue alarms: find them by
-- visit rather than by reading the whole alarms table.
create index alarms_by_visit on alarms(visit_id, kind);
