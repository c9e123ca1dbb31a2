-- The database's identity: minted once when the database is first migrated, so that clients,
-- reporting jobs and operators can tell one Zhiyuan database from another (a restore, a fresh
-- cluster) and see that a restart kept the data. Exactly one row; a Citus reference table.
CREATE TABLE database_identity (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  database_id uuid NOT NULL DEFAULT gen_random_uuid(),
  create_time timestamptz NOT NULL DEFAULT now()
);

INSERT INTO database_identity DEFAULT VALUES;
