-- 新时代文明实践 units: centers (kind 1, county), institutes (2, township), stations (3, village)
-- and points (4, any level), in a tree that mirrors the regions'. Deleting marks delete_time;
-- rows stay so that past figures keep counting what happened at a unit. A Citus reference table
-- (tens of thousands per province at most), like regions, which it references.
CREATE TABLE practice_units (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind              smallint NOT NULL CHECK (kind BETWEEN 1 AND 4),
  parent_id         bigint REFERENCES practice_units (id),
  region_code       text COLLATE "C" NOT NULL REFERENCES regions (code),
  display_name      text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  address           text NOT NULL DEFAULT '' CHECK (length(address) <= 200),
  -- The request_id of the Create call (AIP-155): a retry finds the unit it made.
  create_request_id uuid UNIQUE,
  revision          bigint NOT NULL DEFAULT 1,
  create_time       timestamptz NOT NULL DEFAULT now(),
  update_time       timestamptz NOT NULL DEFAULT now(),
  delete_time       timestamptz,
  CHECK ((kind = 1) = (parent_id IS NULL))
);

-- Units in a region's subtree (a code prefix), in id order.
CREATE INDEX practice_units_region ON practice_units (region_code, id);
-- Units under a unit.
CREATE INDEX practice_units_parent ON practice_units (parent_id, id);
