"""The job queue: a durable store, fair sharing of GPUs, and the worker that runs training children.

This package never imports torch: the bot imports the store, and training happens in child processes
(`python -m trainer.run JOB_DIR`). See docs/queue.md.
"""
