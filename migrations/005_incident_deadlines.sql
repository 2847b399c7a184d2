-- The clock of the workflow. The deadline (due_at) is fixed at dispatch from
-- the category's working-hour deadline; an incident whose due_at has passed
-- while it is still dispatched or in progress is overdue (督办). The moments
-- of each stage are kept on the row so KPIs never need the history table.
ALTER TABLE incident
  ADD COLUMN filed_at      timestamptz,
  ADD COLUMN dispatched_at timestamptz,
  ADD COLUMN due_at        timestamptz,
  ADD COLUMN resolved_at   timestamptz,
  ADD CONSTRAINT incident_due_after_dispatch CHECK (due_at IS NULL OR (dispatched_at IS NOT NULL AND due_at > dispatched_at)),
  ADD CONSTRAINT incident_stages_in_order CHECK (
        (filed_at IS NULL OR filed_at >= reported_at)
    AND (dispatched_at IS NULL OR dispatched_at >= reported_at)
    AND (resolved_at IS NULL OR resolved_at >= reported_at));

-- Overdue is asked for by region: "open, past due, in this district".
CREATE INDEX incident_overdue_idx ON incident (district_code, due_at)
  WHERE status IN ('dispatched', 'in_progress');
