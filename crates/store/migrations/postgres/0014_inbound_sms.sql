-- #11 item 6: text messages received from the SMS gateway ("OK", "OK <PIN>", "HELP"), one row per
-- gateway message id, so a message the gateway sends twice is acted on once. `outcome` says in a
-- word what was done (check_in, help, unknown_number, not_out, not_understood).
create table inbound_sms (
    message_id text primary key,
    received_at timestamptz not null,
    from_number text not null,
    staff_id bigint references staff(id),
    visit_id bigint references visits(id),
    outcome text not null
);
