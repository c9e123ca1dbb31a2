-- China's administrative divisions (GB/T 2260 and the statistics bureau's codes). A region's code
-- begins with its parent's, so level and parent follow from the code, and a subtree is a range of
-- codes. A Citus reference table: small, read by every figure, joined with everything.
--
-- parent_code has no foreign key: the per-row check costs a quarter of a national import
-- (665,276 regions). Regions are created only by imports, which check parents for the whole set
-- at once, and never deleted, so every parent exists all the same.

CREATE TABLE regions (
  code            text COLLATE "C" PRIMARY KEY
                  CHECK (code ~ '^[0-9]+$' AND length(code) IN (2, 4, 6, 9, 12)),
  parent_code     text COLLATE "C" GENERATED ALWAYS AS (CASE length(code)
                    WHEN 4 THEN left(code, 2)
                    WHEN 6 THEN left(code, 4)
                    WHEN 9 THEN left(code, 6)
                    WHEN 12 THEN left(code, 9)
                  END) STORED,
  -- 1 province, 2 city, 3 county, 4 township, 5 village (zhiyuan.v1.RegionLevel).
  level           smallint GENERATED ALWAYS AS (CASE length(code)
                    WHEN 2 THEN 1
                    WHEN 4 THEN 2
                    WHEN 6 THEN 3
                    WHEN 9 THEN 4
                    WHEN 12 THEN 5
                  END) STORED,
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
