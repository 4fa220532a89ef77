-- The board reads a school's channel tests by the start of their idempotency key on every
-- refresh: an index in byte order ("C") lets that range read only those keys, whatever the
-- database's own collation (the unique index follows it, and a locale's order is not bytewise).
create index notifications_key_bytes on notifications (idempotency_key collate "C");
