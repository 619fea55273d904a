-- Job kinds: "train" (every job so far) and "sample" (checkpoint x strength grids of a finished
-- training job, docs/queue.md). A sample job names the job it samples; planned_steps is its length
-- in training-step equivalents, for ETAs before it starts (a training job's comes from its config).
ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'train';
ALTER TABLE jobs ADD COLUMN source_job_id TEXT;
ALTER TABLE jobs ADD COLUMN planned_steps INTEGER;
CREATE INDEX jobs_source ON jobs (source_job_id);
