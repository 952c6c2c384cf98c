-- Who recorded a corrective action done: a leader or quality officer may
-- record someone else's action (qms.CheckActionDoer), and whoever did
-- does not then verify the nonconformity's effectiveness
-- (qms.Nonconformity.ActionOf). Empty for an action done before.
ALTER TABLE corrective_actions ADD COLUMN done_by TEXT NOT NULL DEFAULT '';
