-- Programs (项目/品牌活动): named lines of work owned by a region's office, a practice unit or a
-- team (exactly one), with a category (zhiyuan.v1.ServiceCategory) and a period. region_code is
-- the owner's region, kept so that programs filter by region subtree. Deleting marks
-- delete_time. A Citus reference table, like everything it references.
CREATE TABLE programs (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  display_name           text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  category               smallint NOT NULL CHECK (category BETWEEN 1 AND 10),
  owner_region_code      text COLLATE "C" REFERENCES regions (code),
  owner_practice_unit_id bigint REFERENCES practice_units (id),
  owner_team_id          bigint REFERENCES teams (id),
  region_code            text COLLATE "C" NOT NULL REFERENCES regions (code),
  description            text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  start_date             date NOT NULL,
  end_date               date CHECK (end_date >= start_date),
  create_request_id      uuid UNIQUE,
  revision               bigint NOT NULL DEFAULT 1,
  create_time            timestamptz NOT NULL DEFAULT now(),
  update_time            timestamptz NOT NULL DEFAULT now(),
  delete_time            timestamptz,
  CHECK (num_nonnulls(owner_region_code, owner_practice_unit_id, owner_team_id) = 1)
);

-- Programs in a region's subtree (a code prefix), in id order.
CREATE INDEX programs_region ON programs (region_code, id);
