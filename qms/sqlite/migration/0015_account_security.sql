-- API tokens are named by the first characters of their secret (never the
-- secret itself), record when they were last used and all expire: those
-- issued before expiry existed get the default lifetime from now.
ALTER TABLE api_tokens ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+90 days') WHERE expires_at IS NULL;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE INDEX api_tokens_prefix ON api_tokens (prefix);

-- Login failures are counted per username and client address, so that
-- guesses from one address never lock the owner out from another. The
-- counts of the old table, per username alone, are dropped: at worst a
-- guesser gets a fresh count once.
DROP TABLE login_throttle;
CREATE TABLE login_throttle (
	username     TEXT NOT NULL,
	addr         TEXT NOT NULL,
	failures     INTEGER NOT NULL,
	locked_until TEXT,
	updated_at   TEXT NOT NULL,
	PRIMARY KEY (username, addr)
);
CREATE INDEX login_throttle_updated ON login_throttle (updated_at);
