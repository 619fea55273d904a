"""Masked loss: NAME_mask.png weights the loss per latent pixel; a masked-out region's loss does not
move the LoRA; masks of the wrong size are refused before queueing; mask files are not images."""

import numpy as np
import pytest
import torch
from engine_helpers import fast_config
from PIL import Image
from safetensors.torch import load_file

from trainer.engine.data import scan_dataset
from trainer.engine.errors import TrainingError
from trainer.engine.masks import MaskSource, mask_for_bucket
from trainer.engine.setup import validate
from trainer.engine.train import train


def _images(folder, inside, n=2, size=64):
    """Shapes on the left half; the right half (the masked-out region) holds `inside` colour."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(n):
        a = np.full((size, size, 3), 255, np.uint8)
        a[16:48, 4:28] = rng.integers(0, 255, 3)
        a[:, size // 2 :] = inside
        Image.fromarray(a).save(folder / f"img_{i}.png")
        (folder / f"img_{i}.txt").write_text("sks, a shape", encoding="utf-8")
    return folder


def _masks(folder, keep_left=True, size=64):
    for image in sorted(folder.glob("img_?.png")):
        m = np.zeros((size, size), np.uint8)
        if keep_left:
            m[:, : size // 2] = 255
        Image.fromarray(m).save(folder / f"{image.stem}_mask.png")


def _lora(path):
    return {k: v for k, v in load_file(str(path)).items() if k.endswith(".weight")}


@pytest.fixture
def model(tiny_model):
    return tiny_model("sd15")


def test_mask_files_are_not_training_images_and_a_wrong_size_is_refused(model, tmp_path):
    data = _images(tmp_path / "data", 0)
    _masks(data)
    assert len(scan_dataset(data).items) == 2  # img_0_mask.png is img_0.png's mask
    cfg = fast_config(model, data, tmp_path / "run", masked_loss=True)
    validate(cfg, tmp_path / "run")
    Image.new("L", (64, 40)).save(data / "img_1_mask.png")
    with pytest.raises(TrainingError) as err:
        validate(cfg, tmp_path / "run")
    assert err.value.field == "masked_loss" and "img_1_mask.png is 64x40" in str(err.value)
    Image.new("L", (128, 128), 255).save(data / "img_1_mask.png")  # same aspect: resized, accepted
    validate(cfg, tmp_path / "run")


def test_masked_loss_without_any_mask_is_refused(model, tmp_path):
    data = _images(tmp_path / "data", 0)
    with pytest.raises(TrainingError, match=r"no image has a NAME_mask\.png"):
        validate(fast_config(model, data, tmp_path / "run", masked_loss=True), tmp_path / "run")


def test_mask_follows_the_bucket_geometry_down_to_latent_pixels():
    m = Image.fromarray(np.concatenate([np.full((64, 32), 255), np.zeros((64, 32))], 1).astype(np.uint8))
    w = mask_for_bucket(m, (64, 64), (8, 8), flip=False)
    assert w.shape == (8, 8) and w[:, :4].min() == 1.0 and w[:, 4:].max() == 0.0
    assert mask_for_bucket(m, (64, 64), (8, 8), flip=True)[:, 0].max() == 0.0  # flip_aug mirrors it


def test_alpha_mask_reads_the_alpha_channel(tmp_path):
    tmp_path.joinpath("d").mkdir()
    rgba = np.zeros((64, 64, 4), np.uint8)
    rgba[..., 3] = 255
    rgba[:, 32:, 3] = 0
    Image.fromarray(rgba).save(tmp_path / "d" / "a.png")
    (tmp_path / "d" / "a.txt").write_text("x", encoding="utf-8")

    class Cfg:
        masked_loss = False
        alpha_mask = True
        mask_from_saliency = False

    items = scan_dataset(tmp_path / "d").items
    w = MaskSource(Cfg(), items).get([(0, (64, 64))], None, (8, 8))[0, 0]
    assert float(w[:, :4].min()) == 1.0 and float(w[:, 4:].max()) == 0.0


@pytest.mark.slow
def test_an_all_black_mask_leaves_the_lora_untouched(model, tmp_path):
    """Through the whole engine: no pixel's loss counts, so the LoRA stays exactly as initialised
    (every lora_up still 0) after training steps at a high learning rate."""
    common = dict(max_train_steps=3, learning_rate=5e-2, weight_decay=0.0)
    black = _images(tmp_path / "black", 0)
    _masks(black, keep_left=False)
    out = tmp_path / "zero"
    train(fast_config(model, black, out, masked_loss=True, **common), out)
    ups = [v for k, v in _lora(out / "output" / "my_lora.safetensors").items() if "lora_up" in k]
    assert ups and all(torch.count_nonzero(u) == 0 for u in ups)


class _PixelNet(torch.nn.Module):
    """A per-pixel denoiser (1x1 conv): no spatial mixing, so only the loss weighting is under test."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.conv = torch.nn.Conv2d(4, 4, 1)

    def forward(self, x, t, hidden, added_cond_kwargs=None):
        class Out:
            sample = self.conv(x) + hidden.mean() * 0

        return Out()


def _grads(latents, mask):
    from diffusers import DDPMScheduler

    from trainer.engine.loop import LossSettings, diffusion_loss

    net = _PixelNet()
    loss = diffusion_loss(
        net,
        DDPMScheduler(),
        latents,
        torch.zeros(1, 6),
        torch.zeros(1, 4, 8),
        None,
        torch.ones(1),
        torch.Generator().manual_seed(3),
        LossSettings("epsilon", 0.0, 0.0, "sd15"),
        mask,
    )
    loss.backward()
    return [p.grad.clone() for p in net.parameters()]


def test_latent_pixels_under_a_black_mask_do_not_move_the_weights():
    """Two images that differ only inside the masked-out half give exactly the same gradients (and
    different ones without the mask). In the real U-Net the masked half still reaches the others as
    input (attention and convolutions mix pixels); the mask removes its loss, as in sd-scripts."""
    a = torch.randn(1, 4, 8, 8, generator=torch.Generator().manual_seed(1))
    b = a.clone()
    b[..., 4:] = torch.randn(1, 4, 8, 4, generator=torch.Generator().manual_seed(2))
    mask = torch.ones(1, 1, 8, 8)
    mask[..., 4:] = 0
    assert all(torch.equal(x, y) for x, y in zip(_grads(a, mask), _grads(b, mask), strict=True))
    assert not all(torch.equal(x, y) for x, y in zip(_grads(a, None), _grads(b, None), strict=True))


def test_mask_source_gives_ones_without_masks(tmp_path):
    data = _images(tmp_path / "data", 0)
    items = scan_dataset(data).items

    class Cfg:
        masked_loss = True
        alpha_mask = False
        mask_from_saliency = False

    weights = MaskSource(Cfg(), items).get([(0, (64, 64)), (1, (64, 64))], None, (8, 8))
    assert weights.shape == (2, 1, 8, 8) and float(weights.min()) == 1.0
