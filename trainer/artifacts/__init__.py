"""Where job files live: the local folder (one host) or an S3-compatible service (any host).

`base.ArtifactStore` is the one interface; `backends.open_artifacts(ArtifactOptions)` picks the backend from
`storage.artifacts_url`. `cache.InputCache` keeps a host's inputs content-addressed under a size cap;
`jobsync` publishes a job's inputs, brings a job folder to another host (with its newest uploaded
checkpoint) and uploads checkpoints and results as they are written. See docs/deploy.md.
"""
