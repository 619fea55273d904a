-- One job on several GPUs (docs/queue.md, "Workers"): a job records how many GPUs it needs
-- (`train.num_processes`; 1 for every job queued before), a worker how many it has (NULL: unknown, it
-- takes any job), and a worker claims only jobs that need at most as many GPUs as it has.
ALTER TABLE jobs ADD COLUMN num_gpus INTEGER NOT NULL DEFAULT 1;
ALTER TABLE workers ADD COLUMN gpu_count INTEGER;
