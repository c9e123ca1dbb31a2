-- Who belongs to which team, in what role, since when and until when. Leaving sets leave_time;
-- rows are never removed, so a volunteer's past memberships stay on record, and rejoining makes
-- a new row. At most one current (not left) membership per team and volunteer. Distributed in
-- Citus by volunteer_number, co-located with volunteers; every unique key includes it.
CREATE TABLE team_members (
  volunteer_number  text COLLATE "C" NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  team_id           bigint NOT NULL REFERENCES teams (id),
  role              smallint NOT NULL CHECK (role BETWEEN 1 AND 3),
  join_time         timestamptz NOT NULL DEFAULT now(),
  leave_time        timestamptz CHECK (leave_time >= join_time),
  create_request_id uuid,
  revision          bigint NOT NULL DEFAULT 1,
  update_time       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (volunteer_number, id),
  UNIQUE (volunteer_number, create_request_id)
);

-- One current membership per team and volunteer.
CREATE UNIQUE INDEX team_members_current ON team_members (volunteer_number, team_id)
  WHERE leave_time IS NULL;
-- A team's members, in id order.
CREATE INDEX team_members_team ON team_members (team_id, id);
