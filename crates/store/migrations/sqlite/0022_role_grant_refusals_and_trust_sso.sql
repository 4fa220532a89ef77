-- A senior role asked for can be refused from the approvals page (#12 item 3): the request stays,
-- marked with who refused it and when, so it no longer waits and the history is kept.
alter table role_grants add column refused_by integer references staff(id);
alter table role_grants add column refused_at text;

-- Single sign-on per trust (#12 item 1): the trust administrator sets the OpenID provider's
-- issuer, client id and secret. The secret is sealed with the server's key (never shown back).
create table trust_sso (
    trust_id integer primary key references trusts(id),
    issuer text not null,
    client_id text not null,
    client_secret text not null,
    updated_at text not null,
    updated_by integer references staff(id)
);
