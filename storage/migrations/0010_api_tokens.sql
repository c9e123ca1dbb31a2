-- Bearer tokens: who may call zhiyuand, in which role (zhiyuan.v1.Role), over which scope. Only
-- a BLAKE2b-256 hash of each 256-bit random secret is kept: the secret itself is shown once and
-- never stored. Tokens are never deleted; revoking sets revoke_time. scope_region_code is the
-- region the scope lies in ('' for a system admin), by which region admins reach the tokens they
-- manage. A Citus reference table: thousands of rows, read on every call (through each server's
-- short cache), written rarely.
CREATE TABLE api_tokens (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  secret_hash       bytea NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
  display_name      text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  role              smallint NOT NULL CHECK (role BETWEEN 1 AND 6),
  region_code       text COLLATE "C" REFERENCES regions (code),
  team_id           bigint REFERENCES teams (id),
  -- volunteers is distributed: zhiyuand checks the volunteer when it makes the token.
  volunteer_number  text COLLATE "C",
  post_ids          bigint[] NOT NULL DEFAULT '{}',
  practice_unit_ids bigint[] NOT NULL DEFAULT '{}',
  scope_region_code text COLLATE "C" NOT NULL DEFAULT '',
  creator_id        bigint REFERENCES api_tokens (id),
  create_time       timestamptz NOT NULL DEFAULT now(),
  expire_time       timestamptz NOT NULL,
  revoke_time       timestamptz,
  CHECK (expire_time > create_time),
  CHECK ((role IN (2, 5)) = (region_code IS NOT NULL)),
  CHECK ((role = 3) = (team_id IS NOT NULL)),
  CHECK ((role = 4) = (volunteer_number IS NOT NULL)),
  CHECK ((role = 6) = (cardinality(post_ids) + cardinality(practice_unit_ids) > 0))
);

-- Tokens whose scope lies in a region's subtree (a code prefix), in id order.
CREATE INDEX api_tokens_scope ON api_tokens (scope_region_code, id);
