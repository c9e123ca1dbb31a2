-- Who changed what, when, from where: one row per mutation, written in the same transaction as
-- the change, never updated or deleted. It names the resource, the RPC, the field paths changed,
-- the caller's token, the peer address and the request_id; it holds no values, so no personal
-- data. region_code is where the resource lies ('' for national or server-wide resources), by
-- which region admins read the entries of their subtree. Distributed in Citus by id (an
-- append-only log read newest first; its only unique key is the primary key).
CREATE TABLE audit_log (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  time           timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- api_tokens is a reference table; 0 for zhiyuand itself (the bootstrap token).
  actor_token_id bigint NOT NULL DEFAULT 0,
  method         text NOT NULL,
  resource       text NOT NULL,
  region_code    text COLLATE "C" NOT NULL DEFAULT '',
  field_paths    text[] NOT NULL DEFAULT '{}',
  peer           text NOT NULL DEFAULT '',
  request_id     uuid
);

-- A region subtree's entries (a code prefix), newest first.
CREATE INDEX audit_log_region ON audit_log (region_code, id);
-- One resource's history.
CREATE INDEX audit_log_resource ON audit_log (resource, id);
