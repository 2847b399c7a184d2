-- The newest event id and how far pruning has gone. A Last-Event-ID below
-- through_id asks for deleted events; one above the newest id comes from
-- another database (or a restored backup). Neither can be replayed.
SELECT coalesce((SELECT max(id) FROM event_log), 0) AS newest, through_id
  FROM event_log_pruned
