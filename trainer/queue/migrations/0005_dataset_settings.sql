-- A dataset's settings the bot used to keep in a side file (data/datasets/<id>/bot.json): private or
-- not, and its Discord thread. In the store they travel with the record, and every bot host sees them.
ALTER TABLE datasets ADD COLUMN private INTEGER NOT NULL DEFAULT 1;
ALTER TABLE datasets ADD COLUMN thread_id INTEGER;
CREATE INDEX datasets_thread ON datasets (thread_id);
