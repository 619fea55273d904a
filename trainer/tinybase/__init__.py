"""A tiny Stable-Diffusion-1.x-shaped base model that has really learned something: coloured shapes.

Random-weight models prove only that code runs. This package generates a synthetic captioned data set
(shapes.py), scores generated images (scorer.py) and pre-trains a VAE, a CLIP text encoder and a UNet
on it (pretrain.py), so that tests can show a LoRA learning a concept the base has never seen.
"""
