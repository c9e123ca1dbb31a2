-- Registered volunteers. The volunteer number (minted by zhiyuand from the county of residence,
-- the year and volunteer_serial) is the key and the Citus distribution column, so a volunteer's
-- service records can be co-located with them. ID and phone numbers are stored only encrypted
-- (and masked for display); one person registers once through volunteer_identities, keyed by a
-- keyed hash of the ID number. Rows are never removed: delete marks delete_time.
CREATE SEQUENCE volunteer_serial;

CREATE TABLE volunteers (
  volunteer_number      text COLLATE "C" PRIMARY KEY CHECK (volunteer_number ~ '^[0-9]{18}$'),
  display_name          text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 50),
  gender                smallint NOT NULL CHECK (gender BETWEEN 0 AND 2),
  birth_date            date NOT NULL,
  residence_region_code text COLLATE "C" NOT NULL REFERENCES regions (code),
  skills                text[] NOT NULL DEFAULT '{}',
  status                smallint NOT NULL CHECK (status BETWEEN 1 AND 2),
  guardian_consent      boolean NOT NULL,
  id_number_cipher      bytea NOT NULL,
  id_number_masked      text NOT NULL,
  phone_cipher          bytea,
  phone_masked          text NOT NULL DEFAULT '',
  revision              bigint NOT NULL DEFAULT 1,
  create_time           timestamptz NOT NULL DEFAULT now(),
  update_time           timestamptz NOT NULL DEFAULT now(),
  delete_time           timestamptz
);

-- Volunteers living in a region's subtree (a code prefix), in number order.
CREATE INDEX volunteers_residence ON volunteers (residence_region_code, volunteer_number);

-- One registration per person. Distributed by the hash in Citus (its own key), so the global
-- uniqueness holds on any number of nodes.
CREATE TABLE volunteer_identities (
  id_number_hash   bytea PRIMARY KEY,
  volunteer_number text COLLATE "C" NOT NULL
);

-- request_id of CreateVolunteer calls (AIP-155), distributed by the request id.
CREATE TABLE volunteer_create_requests (
  request_id       uuid PRIMARY KEY,
  volunteer_number text COLLATE "C" NOT NULL,
  create_time      timestamptz NOT NULL DEFAULT now()
);
