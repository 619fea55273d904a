"""The launcher `python -m bench kohya` writes into its temporary folder and runs with sd-scripts' own
Python: it sets the U-Net constants that sd-scripts' `library/original_unet.py` hard-codes for SD 1.5
from the benchmark model's config, stamps the time of every optimizer step into a file, then runs
sd-scripts' `train_network.py` unchanged as `__main__`. Only the text of `LAUNCHER` is used: this
module is never imported by sd-scripts' Python, and nothing of sd-scripts is copied here.
"""

LAUNCHER = '''\
"""Written by loracord's bench/bench_kohya.py for one benchmark run; see bench/kohya_wrapper.py."""
import json
import os
import runpy
import sys
import time

scripts = os.environ["LORACORD_SD_SCRIPTS"]
sys.path.insert(0, scripts)
unet = json.loads(open(os.environ["LORACORD_UNET_CONFIG"], encoding="utf-8").read())

import library.original_unet as kohya_unet  # noqa: E402

channels = tuple(unet["block_out_channels"])
kohya_unet.BLOCK_OUT_CHANNELS = channels
kohya_unet.TIMESTEP_INPUT_DIM = channels[0]
kohya_unet.TIME_EMBED_DIM = channels[0] * 4
kohya_unet.LAYERS_PER_BLOCK = unet["layers_per_block"]
kohya_unet.LAYERS_PER_BLOCK_UP = unet["layers_per_block"] + 1
kohya_unet.NORM_GROUPS = unet.get("norm_num_groups", 32)
kohya_unet.TRANSFORMER_NORM_NUM_GROUPS = unet.get("norm_num_groups", 32)
kohya_unet.DOWN_BLOCK_TYPES = list(unet["down_block_types"])
kohya_unet.UP_BLOCK_TYPES = list(unet["up_block_types"])

from torch.optim.optimizer import register_optimizer_step_post_hook  # noqa: E402

stamps = open(os.environ["LORACORD_STEP_LOG"], "a", encoding="utf-8")


def stamp(optimizer, args, kwargs):
    stamps.write(f"{time.time()}\\n")
    stamps.flush()


register_optimizer_step_post_hook(stamp)
script = os.path.join(scripts, "train_network.py")
sys.argv = [script, *sys.argv[1:]]
runpy.run_path(script, run_name="__main__")
'''
