"""Base models: tiny local test models, the CLIP tokenizer, single-file checkpoints, loading.

Importing this package is cheap (no torch): `loracord --help` registers `cli.models`.
The heavy parts live in submodules: `trainer.models.load` (load_base, detect_arch, ModelLoadError),
`trainer.models.tiny` (build_tiny_pipeline), `trainer.models.singlefile` (save_single_file),
`trainer.models.tokenizer` (write_tokenizer).
"""
