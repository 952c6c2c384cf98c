-- What a server keeps in memory (the Casbin policy, the calendar
-- overrides) must follow every commit, whichever process made it. Each
-- topic's version moves, in the transaction that changed its rows, by the
-- triggers below, so no statement can forget it. A server notices that
-- some connection committed (PRAGMA data_version) and then reads this
-- table of two rows to learn whether a topic moved: dossier writes, by far
-- the most frequent, never cause a reload.
CREATE TABLE change_topics (
	topic   TEXT PRIMARY KEY,
	version INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO change_topics (topic) VALUES ('security'), ('calendar');

-- security: users, memberships, policy rules and API tokens.
CREATE TRIGGER users_ins_topic AFTER INSERT ON users BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'security'; END;
CREATE TRIGGER users_upd_topic AFTER UPDATE ON users BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'security'; END;
CREATE TRIGGER users_del_topic AFTER DELETE ON users BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'security'; END;
CREATE TRIGGER memberships_ins_topic AFTER INSERT ON memberships BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'security'; END;
CREATE TRIGGER memberships_upd_topic AFTER UPDATE ON memberships BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'security'; END;
CREATE TRIGGER memberships_del_topic AFTER DELETE ON memberships BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'security'; END;
CREATE TRIGGER policy_rules_ins_topic AFTER INSERT ON policy_rules BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'security'; END;
CREATE TRIGGER policy_rules_upd_topic AFTER UPDATE ON policy_rules BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'security'; END;
CREATE TRIGGER policy_rules_del_topic AFTER DELETE ON policy_rules BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'security'; END;
CREATE TRIGGER api_tokens_ins_topic AFTER INSERT ON api_tokens BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'security'; END;
CREATE TRIGGER api_tokens_upd_topic AFTER UPDATE ON api_tokens BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'security'; END;
CREATE TRIGGER api_tokens_del_topic AFTER DELETE ON api_tokens BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'security'; END;

-- calendar: the overrides and each agency's working hours.
CREATE TRIGGER calendar_overrides_ins_topic AFTER INSERT ON calendar_overrides BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'calendar'; END;
CREATE TRIGGER calendar_overrides_upd_topic AFTER UPDATE ON calendar_overrides BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'calendar'; END;
CREATE TRIGGER calendar_overrides_del_topic AFTER DELETE ON calendar_overrides BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'calendar'; END;
CREATE TRIGGER agency_settings_ins_topic AFTER INSERT ON agency_settings BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'calendar'; END;
CREATE TRIGGER agency_settings_upd_topic AFTER UPDATE ON agency_settings BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'calendar'; END;
CREATE TRIGGER agency_settings_del_topic AFTER DELETE ON agency_settings BEGIN UPDATE change_topics SET version = version + 1 WHERE topic = 'calendar'; END;

-- A server keeps the decoded flowchart of a version by (procedure,
-- number) once the version is final (effective, superseded, withdrawn):
-- the database itself refuses to change such a version's content or to
-- bring it back to an earlier state, so that key names one content for good.
CREATE TRIGGER procedure_versions_final BEFORE UPDATE ON procedure_versions
	WHEN OLD.status IN ('effective', 'superseded', 'withdrawn')
		AND (NEW.content_json IS NOT OLD.content_json OR NEW.procedure_id IS NOT OLD.procedure_id
			OR NEW.number IS NOT OLD.number OR NEW.status NOT IN ('effective', 'superseded', 'withdrawn'))
BEGIN
	SELECT RAISE(ABORT, 'procedure version content is final');
END;
CREATE TRIGGER procedure_versions_final_del BEFORE DELETE ON procedure_versions
	WHEN OLD.status IN ('effective', 'superseded', 'withdrawn')
BEGIN
	SELECT RAISE(ABORT, 'procedure version content is final');
END;
