-- The fair pick reads each (owner, guild)'s oldest queued job.
CREATE INDEX jobs_pick ON jobs (status, priority, owner_id, guild_id, seq);
