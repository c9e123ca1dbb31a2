-- China's administrative divisions (GB/T 2260 and the statistics bureau's codes). A region's code
-- begins with its parent's, so level and parent follow from the code, and a subtree is a range of
-- codes. A Citus reference table: small, read by every figure, joined with everything.

-- The parent of a 4-, 6-, 9- or 12-digit code; NULL for a province (2 digits).
CREATE FUNCTION region_parent_code(code text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE length(code)
  WHEN 4 THEN left(code, 2)
  WHEN 6 THEN left(code, 4)
  WHEN 9 THEN left(code, 6)
  WHEN 12 THEN left(code, 9)
END;

-- 1 province, 2 city, 3 county, 4 township, 5 village (zhiyuan.v1.RegionLevel).
CREATE FUNCTION region_level(code text) RETURNS smallint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE length(code)
  WHEN 2 THEN 1
  WHEN 4 THEN 2
  WHEN 6 THEN 3
  WHEN 9 THEN 4
  WHEN 12 THEN 5
END;

CREATE TABLE regions (
  code            text COLLATE "C" PRIMARY KEY
                  CHECK (code ~ '^[0-9]+$' AND region_level(code) IS NOT NULL),
  parent_code     text COLLATE "C" GENERATED ALWAYS AS (region_parent_code(code)) STORED
                  REFERENCES regions (code),
  level           smallint GENERATED ALWAYS AS (region_level(code)) STORED,
  display_name    text COLLATE "C" NOT NULL CHECK (length(display_name) BETWEEN 1 AND 64),
  population      bigint CHECK (population >= 0),
  population_year smallint,
  revision        bigint NOT NULL DEFAULT 1,
  create_time     timestamptz NOT NULL DEFAULT now(),
  update_time     timestamptz NOT NULL DEFAULT now(),
  CHECK ((population IS NULL) = (population_year IS NULL))
);

-- Children of a region, in code order.
CREATE INDEX regions_parent_code ON regions (parent_code, code);
-- Name-prefix search (C collation: byte order, so LIKE 'prefix%' can use it).
CREATE INDEX regions_display_name ON regions (display_name, code);
