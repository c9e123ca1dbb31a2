-- An event's records, now with the state and volunteer of each in the index itself. Distinct
-- volunteers over a window that the rollups cannot answer are counted from the credited records
-- of the scope's events (docs/design/stats.md, "Distinct volunteers"); with these two columns
-- that count is an index-only scan. Without them it read one heap page per record: the heap
-- keeps records in the order they were written, where an event's records share pages with those
-- of every other event written at the time. The key is 0014's, read as before by event lists.

CREATE INDEX service_records_event_covering ON service_records (event_id, check_in)
  INCLUDE (state, volunteer_number);
DROP INDEX service_records_event;
ALTER INDEX service_records_event_covering RENAME TO service_records_event;
