-- Service records (志愿服务记录): one volunteer's time at one event (hour_class 1, attendance) or
-- minutes an administrator added (hour_class 2, manual), with their state, method and credit
-- (zhiyuan.v1.HourClass, ServiceRecordState, RecordMethod). An attendance record takes the hour
-- rules in force when it is made (hour_rule_set_id) and keeps them; close_due is when those rules
-- close it if the check-out is forgotten. Distributed in Citus by
-- volunteer_number, co-located with volunteers: a write locks the volunteer's row, probes the
-- volunteer's records for an overlap on (volunteer_number, check_in) and writes, all on one shard
-- (docs/design/service-records.md explains why there is no exclusion constraint). Ids come from a
-- sequence, so a batch can take its ids before it writes. Rows are never removed.
CREATE SEQUENCE service_record_id;

CREATE TABLE service_records (
  volunteer_number  text COLLATE "C" NOT NULL REFERENCES volunteers (volunteer_number),
  id                bigint NOT NULL DEFAULT nextval('service_record_id'),
  event_id          bigint NOT NULL REFERENCES events (id),
  hour_class        smallint NOT NULL CHECK (hour_class BETWEEN 1 AND 2),
  state             smallint NOT NULL CHECK (state BETWEEN 1 AND 5),
  method            smallint NOT NULL CHECK (method BETWEEN 1 AND 4),
  check_in          timestamptz NOT NULL,
  check_out         timestamptz,
  auto_closed       boolean NOT NULL DEFAULT false,
  raw_minutes       integer NOT NULL DEFAULT 0 CHECK (raw_minutes >= 0),
  credited_minutes  integer NOT NULL DEFAULT 0 CHECK (credited_minutes BETWEEN 0 AND 44640),
  hour_rule_set_id  bigint REFERENCES hour_rule_sets (id),
  close_due         timestamptz,
  recorder_token_id bigint NOT NULL,
  verifier_token_id bigint,
  note              text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
  revision          integer NOT NULL DEFAULT 1,
  create_time       timestamptz NOT NULL DEFAULT now(),
  update_time       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (volunteer_number, id),
  CHECK (check_out IS NULL OR check_out >= check_in),
  -- Attendance is open, credited or voided; manual hours have no check-out and no rules.
  CHECK (hour_class = 2 OR state IN (1, 2, 5)),
  CHECK (hour_class = 1 OR (check_out IS NULL AND hour_rule_set_id IS NULL AND state <> 1)),
  -- An open record has the rules it will be credited under and the time they close it.
  CHECK (state <> 1 OR (check_out IS NULL AND NOT auto_closed AND hour_rule_set_id IS NOT NULL
                        AND close_due IS NOT NULL))
);

-- A volunteer's records by check-in: overlap probes, lists and totals.
CREATE INDEX service_records_volunteer_check_in ON service_records (volunteer_number, check_in);
-- An event's records.
CREATE INDEX service_records_event ON service_records (event_id, check_in);
-- Open check-ins: a volunteer's (read by every write), and by the time the hour rules close them
-- (for closing forgotten check-outs; few rows, so a scan of the whole partial index is cheap).
CREATE INDEX service_records_open ON service_records (volunteer_number, close_due) WHERE state = 1;

-- Every revision of every record, the first included: the record as the change left it, who made
-- the change (0 for zhiyuand), why (zhiyuan.v1.RevisionChange and the actor's words) and the
-- client id of the request or sync item that made it, unique per volunteer so that a replay finds
-- what it did the first time. Distributed by volunteer_number, co-located with service_records.
CREATE TABLE service_record_revisions (
  volunteer_number  text COLLATE "C" NOT NULL,
  record_id         bigint NOT NULL,
  revision          integer NOT NULL,
  change            smallint NOT NULL CHECK (change BETWEEN 1 AND 5),
  event_id          bigint NOT NULL,
  state             smallint NOT NULL,
  check_in          timestamptz NOT NULL,
  check_out         timestamptz,
  auto_closed       boolean NOT NULL,
  raw_minutes       integer NOT NULL,
  credited_minutes  integer NOT NULL,
  hour_rule_set_id  bigint,
  verifier_token_id bigint,
  note              text NOT NULL,
  actor_token_id    bigint NOT NULL,
  reason            text NOT NULL DEFAULT '' CHECK (length(reason) <= 200),
  client_id         uuid,
  create_time       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (volunteer_number, record_id, revision),
  UNIQUE (volunteer_number, client_id),
  FOREIGN KEY (volunteer_number, record_id) REFERENCES service_records (volunteer_number, id)
);
