"""The LoRA training engine: one module per stage, run top to bottom by `train.train`.

Only the training side imports this package (it pulls in torch, diffusers, peft and accelerate).
"""

from trainer.engine.errors import TrainingError

__all__ = ["TrainingError"]
