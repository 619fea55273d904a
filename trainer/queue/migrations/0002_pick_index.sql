-- The fair pick groups queued jobs by owner; with this covering index it reads only the index
-- (measured with 10,000 queued jobs: see docs/bench-queue.md).
CREATE INDEX jobs_pick ON jobs (status, priority, owner_id, seq);
