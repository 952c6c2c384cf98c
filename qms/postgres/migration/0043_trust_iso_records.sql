-- SQLite's 0066, RowStateVersion 8: the audit trail vouches for the ISO
-- records before a signature closes them, and for what none signs:
-- nonconformities and their corrective actions, risks and their actions,
-- quality objectives, procedures, procedure and form versions, internal audit plans and
-- their checklists, citizens' feedback. The Go step writes the tables'
-- triggers again (rowTriggerSQL: these get theirs), then records every
-- row of them as found (rebaseline, row_state.go).
COMMENT ON TABLE corrective_actions IS 'corrective actions of nonconformities; vouched for by the audit trail since RowStateVersion 8';
