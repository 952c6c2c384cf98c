-- RowStateVersion 8: the audit trail vouches for the ISO records before
-- a signature closes them, and for what none signs
-- (sqlstore.SecurityTables): nonconformities and their corrective
-- actions, risks with their actions, assessments and links, quality
-- objectives, procedures (their review dates), procedure and form
-- versions (which one is in force), internal audit programmes, plans and
-- checklists, citizens' feedback, the management review and its
-- decisions, the distribution of documents, the context, competence, the
-- declaration of conformity, external providers, forms, the codes a
-- merger or a split left behind, and the citizens' survey answers. Each
-- write of them is audited in its own transaction; these triggers list
-- the rows written, as those of 0017, 0057, 0062 and 0065 do. The Go step
-- of this migration writes the triggers that list the rows' states before
-- (beforeTriggers) and records every row as found (rebaseline,
-- row_state.go): the trail before carries no row's state.

CREATE TRIGGER nonconformities_row_insert AFTER INSERT ON nonconformities
BEGIN INSERT INTO row_changes VALUES ('nonconformities', json_array(NEW.id)); END;
CREATE TRIGGER nonconformities_row_update AFTER UPDATE OF id, agency_code, code, source, source_ref, description, correction, root_cause, status, verdict, verified_by,
	verified_at, closed_at, created_by, created_at, close_reason, finding_duplicate ON nonconformities
BEGIN INSERT INTO row_changes VALUES ('nonconformities', json_array(OLD.id)), ('nonconformities', json_array(NEW.id)); END;
CREATE TRIGGER nonconformities_row_delete AFTER DELETE ON nonconformities
BEGIN INSERT INTO row_changes VALUES ('nonconformities', json_array(OLD.id)); END;

CREATE TRIGGER corrective_actions_row_insert AFTER INSERT ON corrective_actions
BEGIN INSERT INTO row_changes VALUES ('corrective_actions', json_array(NEW.id)); END;
CREATE TRIGGER corrective_actions_row_update AFTER UPDATE OF id, nc_id, description, owner, due_on, done_at, result, done_by ON corrective_actions
BEGIN INSERT INTO row_changes VALUES ('corrective_actions', json_array(OLD.id)), ('corrective_actions', json_array(NEW.id)); END;
CREATE TRIGGER corrective_actions_row_delete AFTER DELETE ON corrective_actions
BEGIN INSERT INTO row_changes VALUES ('corrective_actions', json_array(OLD.id)); END;

CREATE TRIGGER risks_row_insert AFTER INSERT ON risks
BEGIN INSERT INTO row_changes VALUES ('risks', json_array(NEW.id)); END;
CREATE TRIGGER risks_row_update AFTER UPDATE OF id, agency_code, code, kind, description, procedure_id, likelihood, impact, owner, review_on, status,
	close_reason, closed_by, closed_at, created_by ON risks
BEGIN INSERT INTO row_changes VALUES ('risks', json_array(OLD.id)), ('risks', json_array(NEW.id)); END;
CREATE TRIGGER risks_row_delete AFTER DELETE ON risks
BEGIN INSERT INTO row_changes VALUES ('risks', json_array(OLD.id)); END;

CREATE TRIGGER risk_actions_row_insert AFTER INSERT ON risk_actions
BEGIN INSERT INTO row_changes VALUES ('risk_actions', json_array(NEW.id)); END;
CREATE TRIGGER risk_actions_row_update AFTER UPDATE OF id, risk_id, description, owner, due_on, done_at, done_by ON risk_actions
BEGIN INSERT INTO row_changes VALUES ('risk_actions', json_array(OLD.id)), ('risk_actions', json_array(NEW.id)); END;
CREATE TRIGGER risk_actions_row_delete AFTER DELETE ON risk_actions
BEGIN INSERT INTO row_changes VALUES ('risk_actions', json_array(OLD.id)); END;

CREATE TRIGGER objectives_row_insert AFTER INSERT ON objectives
BEGIN INSERT INTO row_changes VALUES ('objectives', json_array(NEW.id)); END;
CREATE TRIGGER objectives_row_update AFTER UPDATE OF id, agency_code, year, title, measure, target, period, withdrawn, withdrawn_reason, withdrawn_by,
	withdrawn_at, created_by ON objectives
BEGIN INSERT INTO row_changes VALUES ('objectives', json_array(OLD.id)), ('objectives', json_array(NEW.id)); END;
CREATE TRIGGER objectives_row_delete AFTER DELETE ON objectives
BEGIN INSERT INTO row_changes VALUES ('objectives', json_array(OLD.id)); END;

CREATE TRIGGER procedures_row_insert AFTER INSERT ON procedures
BEGIN INSERT INTO row_changes VALUES ('procedures', json_array(NEW.id)); END;
CREATE TRIGGER procedures_row_update AFTER UPDATE OF id, agency_code, code, title, owner_unit, review_months, next_review_on, merged_from, split_from ON procedures
BEGIN INSERT INTO row_changes VALUES ('procedures', json_array(OLD.id)), ('procedures', json_array(NEW.id)); END;
CREATE TRIGGER procedures_row_delete AFTER DELETE ON procedures
BEGIN INSERT INTO row_changes VALUES ('procedures', json_array(OLD.id)); END;

CREATE TRIGGER procedure_versions_row_insert AFTER INSERT ON procedure_versions
BEGIN INSERT INTO row_changes VALUES ('procedure_versions', json_array(NEW.id)); END;
CREATE TRIGGER procedure_versions_row_update AFTER UPDATE OF id, procedure_id, number, status, content_json, author_id, author, submitted_at, approver_id, approver,
	approved_at, effective_on, reason ON procedure_versions
BEGIN INSERT INTO row_changes VALUES ('procedure_versions', json_array(OLD.id)), ('procedure_versions', json_array(NEW.id)); END;
CREATE TRIGGER procedure_versions_row_delete AFTER DELETE ON procedure_versions
BEGIN INSERT INTO row_changes VALUES ('procedure_versions', json_array(OLD.id)); END;

CREATE TRIGGER form_versions_row_insert AFTER INSERT ON form_versions
BEGIN INSERT INTO row_changes VALUES ('form_versions', json_array(NEW.id)); END;
CREATE TRIGGER form_versions_row_update AFTER UPDATE OF id, form_id, number, status, schema_json, template_json, change_summary, author_id, author, submitted_at,
	approver_id, approver, approved_at, effective_on, reason ON form_versions
BEGIN INSERT INTO row_changes VALUES ('form_versions', json_array(OLD.id)), ('form_versions', json_array(NEW.id)); END;
CREATE TRIGGER form_versions_row_delete AFTER DELETE ON form_versions
BEGIN INSERT INTO row_changes VALUES ('form_versions', json_array(OLD.id)); END;

CREATE TRIGGER audit_plans_row_insert AFTER INSERT ON audit_plans
BEGIN INSERT INTO row_changes VALUES ('audit_plans', json_array(NEW.id)); END;
CREATE TRIGGER audit_plans_row_update AFTER UPDATE OF id, programme_id, agency_code, title, scope_json, start_on, end_on, status, summary, conclusion, reported_at ON audit_plans
BEGIN INSERT INTO row_changes VALUES ('audit_plans', json_array(OLD.id)), ('audit_plans', json_array(NEW.id)); END;
CREATE TRIGGER audit_plans_row_delete AFTER DELETE ON audit_plans
BEGIN INSERT INTO row_changes VALUES ('audit_plans', json_array(OLD.id)); END;

CREATE TRIGGER audit_items_row_insert AFTER INSERT ON audit_items
BEGIN INSERT INTO row_changes VALUES ('audit_items', json_array(NEW.id)); END;
CREATE TRIGGER audit_items_row_update AFTER UPDATE OF id, plan_id, clause, question, source, result, evidence, note, suggestions_json ON audit_items
BEGIN INSERT INTO row_changes VALUES ('audit_items', json_array(OLD.id)), ('audit_items', json_array(NEW.id)); END;
CREATE TRIGGER audit_items_row_delete AFTER DELETE ON audit_items
BEGIN INSERT INTO row_changes VALUES ('audit_items', json_array(OLD.id)); END;

CREATE TRIGGER audit_programmes_row_insert AFTER INSERT ON audit_programmes
BEGIN INSERT INTO row_changes VALUES ('audit_programmes', json_array(NEW.id)); END;
CREATE TRIGGER audit_programmes_row_update AFTER UPDATE OF id, agency_code, year, title, notes ON audit_programmes
BEGIN INSERT INTO row_changes VALUES ('audit_programmes', json_array(OLD.id)), ('audit_programmes', json_array(NEW.id)); END;
CREATE TRIGGER audit_programmes_row_delete AFTER DELETE ON audit_programmes
BEGIN INSERT INTO row_changes VALUES ('audit_programmes', json_array(OLD.id)); END;

CREATE TRIGGER risk_assessments_row_insert AFTER INSERT ON risk_assessments
BEGIN INSERT INTO row_changes VALUES ('risk_assessments', json_array(NEW.id)); END;
CREATE TRIGGER risk_assessments_row_update AFTER UPDATE OF id, risk_id, likelihood, impact, note, review_on, assessed_by, assessed_at ON risk_assessments
BEGIN INSERT INTO row_changes VALUES ('risk_assessments', json_array(OLD.id)), ('risk_assessments', json_array(NEW.id)); END;
CREATE TRIGGER risk_assessments_row_delete AFTER DELETE ON risk_assessments
BEGIN INSERT INTO row_changes VALUES ('risk_assessments', json_array(OLD.id)); END;

CREATE TRIGGER risk_links_row_insert AFTER INSERT ON risk_links
BEGIN INSERT INTO row_changes VALUES ('risk_links', json_array(NEW.risk_id, NEW.kind, NEW.ref)); END;
CREATE TRIGGER risk_links_row_update AFTER UPDATE OF risk_id, kind, ref, created_by, created_at ON risk_links
BEGIN INSERT INTO row_changes VALUES ('risk_links', json_array(OLD.risk_id, OLD.kind, OLD.ref)), ('risk_links', json_array(NEW.risk_id, NEW.kind, NEW.ref)); END;
CREATE TRIGGER risk_links_row_delete AFTER DELETE ON risk_links
BEGIN INSERT INTO row_changes VALUES ('risk_links', json_array(OLD.risk_id, OLD.kind, OLD.ref)); END;

CREATE TRIGGER management_reviews_row_insert AFTER INSERT ON management_reviews
BEGIN INSERT INTO row_changes VALUES ('management_reviews', json_array(NEW.id)); END;
CREATE TRIGGER management_reviews_row_update AFTER UPDATE OF id, agency_code, title, held_on, pack_json, minutes ON management_reviews
BEGIN INSERT INTO row_changes VALUES ('management_reviews', json_array(OLD.id)), ('management_reviews', json_array(NEW.id)); END;
CREATE TRIGGER management_reviews_row_delete AFTER DELETE ON management_reviews
BEGIN INSERT INTO row_changes VALUES ('management_reviews', json_array(OLD.id)); END;

CREATE TRIGGER review_decisions_row_insert AFTER INSERT ON review_decisions
BEGIN INSERT INTO row_changes VALUES ('review_decisions', json_array(NEW.id)); END;
CREATE TRIGGER review_decisions_row_update AFTER UPDATE OF id, review_id, text, owner, due_on, done_at ON review_decisions
BEGIN INSERT INTO row_changes VALUES ('review_decisions', json_array(OLD.id)), ('review_decisions', json_array(NEW.id)); END;
CREATE TRIGGER review_decisions_row_delete AFTER DELETE ON review_decisions
BEGIN INSERT INTO row_changes VALUES ('review_decisions', json_array(OLD.id)); END;

CREATE TRIGGER document_reads_row_insert AFTER INSERT ON document_reads
BEGIN INSERT INTO row_changes VALUES ('document_reads', json_array(NEW.id)); END;
CREATE TRIGGER document_reads_row_update AFTER UPDATE OF id, agency_code, kind, doc_id, version_id, number, user_id, roles, distributed_at, acknowledged_at ON document_reads
BEGIN INSERT INTO row_changes VALUES ('document_reads', json_array(OLD.id)), ('document_reads', json_array(NEW.id)); END;
CREATE TRIGGER document_reads_row_delete AFTER DELETE ON document_reads
BEGIN INSERT INTO row_changes VALUES ('document_reads', json_array(OLD.id)); END;

CREATE TRIGGER context_items_row_insert AFTER INSERT ON context_items
BEGIN INSERT INTO row_changes VALUES ('context_items', json_array(NEW.id)); END;
CREATE TRIGGER context_items_row_update AFTER UPDATE OF id, agency_code, kind, title, requirements, reviewed_on, retired, retired_reason, retired_by, retired_at,
	created_by ON context_items
BEGIN INSERT INTO row_changes VALUES ('context_items', json_array(OLD.id)), ('context_items', json_array(NEW.id)); END;
CREATE TRIGGER context_items_row_delete AFTER DELETE ON context_items
BEGIN INSERT INTO row_changes VALUES ('context_items', json_array(OLD.id)); END;

CREATE TRIGGER context_reviews_row_insert AFTER INSERT ON context_reviews
BEGIN INSERT INTO row_changes VALUES ('context_reviews', json_array(NEW.id)); END;
CREATE TRIGGER context_reviews_row_update AFTER UPDATE OF id, agency_code, reviewed_by, reviewed_at, note, items ON context_reviews
BEGIN INSERT INTO row_changes VALUES ('context_reviews', json_array(OLD.id)), ('context_reviews', json_array(NEW.id)); END;
CREATE TRIGGER context_reviews_row_delete AFTER DELETE ON context_reviews
BEGIN INSERT INTO row_changes VALUES ('context_reviews', json_array(OLD.id)); END;

CREATE TRIGGER competences_row_insert AFTER INSERT ON competences
BEGIN INSERT INTO row_changes VALUES ('competences', json_array(NEW.id)); END;
CREATE TRIGGER competences_row_update AFTER UPDATE OF id, agency_code, code, name, description, merged_from, created_by ON competences
BEGIN INSERT INTO row_changes VALUES ('competences', json_array(OLD.id)), ('competences', json_array(NEW.id)); END;
CREATE TRIGGER competences_row_delete AFTER DELETE ON competences
BEGIN INSERT INTO row_changes VALUES ('competences', json_array(OLD.id)); END;

CREATE TRIGGER competence_requirements_row_insert AFTER INSERT ON competence_requirements
BEGIN INSERT INTO row_changes VALUES ('competence_requirements', json_array(NEW.id)); END;
CREATE TRIGGER competence_requirements_row_update AFTER UPDATE OF id, agency_code, competence_id, role, procedure_id, step_id, withdrawn, withdrawn_reason, withdrawn_by,
	withdrawn_at, created_by ON competence_requirements
BEGIN INSERT INTO row_changes VALUES ('competence_requirements', json_array(OLD.id)), ('competence_requirements', json_array(NEW.id)); END;
CREATE TRIGGER competence_requirements_row_delete AFTER DELETE ON competence_requirements
BEGIN INSERT INTO row_changes VALUES ('competence_requirements', json_array(OLD.id)); END;

CREATE TRIGGER competence_records_row_insert AFTER INSERT ON competence_records
BEGIN INSERT INTO row_changes VALUES ('competence_records', json_array(NEW.id)); END;
CREATE TRIGGER competence_records_row_update AFTER UPDATE OF id, agency_code, user_id, competence_id, course, certificate_no, issuer, obtained_on, expires_on,
	evidence_sha256, evidence_name, evidence_type, evidence_size, revoked, revoked_reason, revoked_by, revoked_at,
	created_by ON competence_records
BEGIN INSERT INTO row_changes VALUES ('competence_records', json_array(OLD.id)), ('competence_records', json_array(NEW.id)); END;
CREATE TRIGGER competence_records_row_delete AFTER DELETE ON competence_records
BEGIN INSERT INTO row_changes VALUES ('competence_records', json_array(OLD.id)); END;

CREATE TRIGGER declarations_row_insert AFTER INSERT ON declarations
BEGIN INSERT INTO row_changes VALUES ('declarations', json_array(NEW.id)); END;
CREATE TRIGGER declarations_row_update AFTER UPDATE OF id, agency_code, number, decided_on, signed_by, tthc_codes, processes, file_sha256, file_name, file_type,
	file_size, note, created_by, superseded_at, superseded_by ON declarations
BEGIN INSERT INTO row_changes VALUES ('declarations', json_array(OLD.id)), ('declarations', json_array(NEW.id)); END;
CREATE TRIGGER declarations_row_delete AFTER DELETE ON declarations
BEGIN INSERT INTO row_changes VALUES ('declarations', json_array(OLD.id)); END;

CREATE TRIGGER providers_row_insert AFTER INSERT ON providers
BEGIN INSERT INTO row_changes VALUES ('providers', json_array(NEW.id)); END;
CREATE TRIGGER providers_row_update AFTER UPDATE OF id, agency_code, name, service, contract_ref, contact, criteria_json, period_months, status, status_reason,
	status_by, status_at, created_by ON providers
BEGIN INSERT INTO row_changes VALUES ('providers', json_array(OLD.id)), ('providers', json_array(NEW.id)); END;
CREATE TRIGGER providers_row_delete AFTER DELETE ON providers
BEGIN INSERT INTO row_changes VALUES ('providers', json_array(OLD.id)); END;

CREATE TRIGGER provider_evaluations_row_insert AFTER INSERT ON provider_evaluations
BEGIN INSERT INTO row_changes VALUES ('provider_evaluations', json_array(NEW.id)); END;
CREATE TRIGGER provider_evaluations_row_update AFTER UPDATE OF id, provider_id, evaluated_on, scores_json, result, evaluator, note ON provider_evaluations
BEGIN INSERT INTO row_changes VALUES ('provider_evaluations', json_array(OLD.id)), ('provider_evaluations', json_array(NEW.id)); END;
CREATE TRIGGER provider_evaluations_row_delete AFTER DELETE ON provider_evaluations
BEGIN INSERT INTO row_changes VALUES ('provider_evaluations', json_array(OLD.id)); END;

CREATE TRIGGER provider_ncs_row_insert AFTER INSERT ON provider_ncs
BEGIN INSERT INTO row_changes VALUES ('provider_ncs', json_array(NEW.provider_id, NEW.nc_id)); END;
CREATE TRIGGER provider_ncs_row_update AFTER UPDATE OF provider_id, nc_id, linked_by, linked_at ON provider_ncs
BEGIN INSERT INTO row_changes VALUES ('provider_ncs', json_array(OLD.provider_id, OLD.nc_id)), ('provider_ncs', json_array(NEW.provider_id, NEW.nc_id)); END;
CREATE TRIGGER provider_ncs_row_delete AFTER DELETE ON provider_ncs
BEGIN INSERT INTO row_changes VALUES ('provider_ncs', json_array(OLD.provider_id, OLD.nc_id)); END;

CREATE TRIGGER feedback_row_insert AFTER INSERT ON feedback
BEGIN INSERT INTO row_changes VALUES ('feedback', json_array(NEW.id)); END;
CREATE TRIGGER feedback_row_update AFTER UPDATE OF id, agency_code, code, name, contact, content, dossier_code, status, ip_hash, received_at, assigned_to,
	assigned_by, assigned_at, answer, answered_by, answered_at, published_by, published_at ON feedback
BEGIN INSERT INTO row_changes VALUES ('feedback', json_array(OLD.id)), ('feedback', json_array(NEW.id)); END;
CREATE TRIGGER feedback_row_delete AFTER DELETE ON feedback
BEGIN INSERT INTO row_changes VALUES ('feedback', json_array(OLD.id)); END;

CREATE TRIGGER forms_row_insert AFTER INSERT ON forms
BEGIN INSERT INTO row_changes VALUES ('forms', json_array(NEW.id)); END;
CREATE TRIGGER forms_row_update AFTER UPDATE OF id, agency_code, code, title, kind, procedure_id, legal_basis, purpose, merged_from ON forms
BEGIN INSERT INTO row_changes VALUES ('forms', json_array(OLD.id)), ('forms', json_array(NEW.id)); END;
CREATE TRIGGER forms_row_delete AFTER DELETE ON forms
BEGIN INSERT INTO row_changes VALUES ('forms', json_array(OLD.id)); END;

CREATE TRIGGER merged_codes_row_insert AFTER INSERT ON merged_codes
BEGIN INSERT INTO row_changes VALUES ('merged_codes', json_array(NEW.agency_code, NEW.kind, NEW.from_agency, NEW.old_code)); END;
CREATE TRIGGER merged_codes_row_update AFTER UPDATE OF agency_code, kind, from_agency, old_code, new_code, merged_at ON merged_codes
BEGIN INSERT INTO row_changes VALUES ('merged_codes', json_array(OLD.agency_code, OLD.kind, OLD.from_agency, OLD.old_code)), ('merged_codes', json_array(NEW.agency_code, NEW.kind, NEW.from_agency, NEW.old_code)); END;
CREATE TRIGGER merged_codes_row_delete AFTER DELETE ON merged_codes
BEGIN INSERT INTO row_changes VALUES ('merged_codes', json_array(OLD.agency_code, OLD.kind, OLD.from_agency, OLD.old_code)); END;

CREATE TRIGGER dossier_moves_row_insert AFTER INSERT ON dossier_moves
BEGIN INSERT INTO row_changes VALUES ('dossier_moves', json_array(NEW.agency_code, NEW.code)); END;
CREATE TRIGGER dossier_moves_row_update AFTER UPDATE OF agency_code, code, moved_to, moved_at ON dossier_moves
BEGIN INSERT INTO row_changes VALUES ('dossier_moves', json_array(OLD.agency_code, OLD.code)), ('dossier_moves', json_array(NEW.agency_code, NEW.code)); END;
CREATE TRIGGER dossier_moves_row_delete AFTER DELETE ON dossier_moves
BEGIN INSERT INTO row_changes VALUES ('dossier_moves', json_array(OLD.agency_code, OLD.code)); END;

CREATE TRIGGER satisfaction_responses_row_insert AFTER INSERT ON satisfaction_responses
BEGIN INSERT INTO row_changes VALUES ('satisfaction_responses', json_array(NEW.id)); END;
CREATE TRIGGER satisfaction_responses_row_update AFTER UPDATE OF id, agency_code, dossier_id, tthc_code, questionnaire, answers_json, comment, submitted_at ON satisfaction_responses
BEGIN INSERT INTO row_changes VALUES ('satisfaction_responses', json_array(OLD.id)), ('satisfaction_responses', json_array(NEW.id)); END;
CREATE TRIGGER satisfaction_responses_row_delete AFTER DELETE ON satisfaction_responses
BEGIN INSERT INTO row_changes VALUES ('satisfaction_responses', json_array(OLD.id)); END;
