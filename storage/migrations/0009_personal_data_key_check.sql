-- A keyed fingerprint of the key that protects personal data (never the key itself), written by
-- the first zhiyuand that serves the database. Every later instance compares its own key's
-- fingerprint and refuses to start on a mismatch: with another key it could neither read the
-- stored ID and phone numbers nor recognise a person registering twice. One row; a Citus
-- reference table.
CREATE TABLE personal_data_key_check (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  fingerprint bytea NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now()
);
