-- Corrections of service records (zhiyuan.v1.Correction): a volunteer or organiser asks for new
-- times or a withdrawal, with a reason; a reviewer approves (the record gets a new revision) or
-- rejects. A correction applies only to the record revision it was asked against
-- (record_revision). event_id is the record's event, kept for reviewers' queues per event.
-- Distributed by volunteer_number, co-located with service_records; its keys all hold it.
CREATE SEQUENCE service_record_correction_id;

CREATE TABLE service_record_corrections (
  volunteer_number   text COLLATE "C" NOT NULL,
  id                 bigint NOT NULL DEFAULT nextval('service_record_correction_id'),
  record_id          bigint NOT NULL,
  event_id           bigint NOT NULL REFERENCES events (id),
  record_revision    integer NOT NULL,
  check_in           timestamptz,
  check_out          timestamptz,
  withdraw           boolean NOT NULL DEFAULT false,
  reason             text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
  state              smallint NOT NULL CHECK (state BETWEEN 1 AND 3),
  requester_token_id bigint NOT NULL,
  reviewer_token_id  bigint,
  review_note        text NOT NULL DEFAULT '' CHECK (length(review_note) <= 200),
  client_id          uuid,
  create_time        timestamptz NOT NULL,
  review_time        timestamptz,
  PRIMARY KEY (volunteer_number, id),
  UNIQUE (volunteer_number, client_id),
  FOREIGN KEY (volunteer_number, record_id) REFERENCES service_records (volunteer_number, id),
  CHECK (withdraw OR check_in IS NOT NULL OR check_out IS NOT NULL),
  CHECK ((state = 1) = (review_time IS NULL))
);

-- A record's corrections, and an event's by state (a reviewer's queue).
CREATE INDEX service_record_corrections_record
  ON service_record_corrections (volunteer_number, record_id, id);
CREATE INDEX service_record_corrections_event ON service_record_corrections (event_id, state, id);

-- Revisions now also record corrections (6), withdrawals (7) and recomputes (8).
ALTER TABLE service_record_revisions DROP CONSTRAINT service_record_revisions_change_check;
ALTER TABLE service_record_revisions
  ADD CONSTRAINT service_record_revisions_change_check CHECK (change BETWEEN 1 AND 8);
