"""The `compile` option: the U-Net's blocks run through torch.compile, the first step's time is reported
apart, and a compiler failure never ends a run (it goes on eagerly with a warning event)."""

import torch
from engine_helpers import fast_config

from trainer.engine import speed
from trainer.engine.train import train
from trainer.job_paths import read_events


def test_a_failing_compiler_falls_back_to_eager_and_says_so(tiny_model, dataset, tmp_path, monkeypatch):
    calls = []

    def broken_compile(fn, **kwargs):
        def compiled(*args, **kw):
            calls.append(kwargs)
            raise RuntimeError("no C++ compiler here")

        return compiled

    monkeypatch.setattr(speed.torch, "compile", broken_compile)
    cfg = fast_config(tiny_model("sd15"), dataset, tmp_path / "run", compile=True, max_train_steps=3)
    result = train(cfg, tmp_path / "run")

    assert result.status == "done" and calls
    events = read_events(tmp_path / "run")
    warnings = [e for e in events if e["type"] == "warning" and e["kind"] == "compile_fallback"]
    assert len(warnings) == 1 and "no C++ compiler here" in warnings[0]["message"]
    steps = [e for e in events if e["type"] == "step"]
    assert "compile_s" in steps[0] and all("compile_s" not in e for e in steps[1:])


def test_compiled_blocks_give_the_eager_result():
    """dynamo's 'eager' backend runs the traced graphs without a C++ build: same numbers as eager."""
    from diffusers import UNet2DConditionModel

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=8, block_out_channels=(32, 64), layers_per_block=1, cross_attention_dim=32,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        attention_head_dim=8, norm_num_groups=8,
    )  # fmt: skip
    x, h = torch.randn(1, 4, 8, 8), torch.randn(1, 77, 32)
    with torch.no_grad():
        eager = unet(x, 10, h).sample
        assert speed.compile_blocks(unet, backend="eager") > 0 and speed.is_compiled(
            unet.down_blocks[0].resnets[0]
        )
        compiled = unet(x, 10, h).sample
    speed.uncompile(unet)
    assert torch.allclose(eager, compiled, atol=1e-5)


def test_fused_lora_layers_match_peft_and_step_aside_when_adapters_are_off():
    from trainer.engine.network import Targets, add_lora

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.GELU(), torch.nn.Linear(32, 8))
    add_lora(model, Targets(("0", "2")), rank=4, alpha=2.0, conv_rank=4, conv_alpha=2.0)
    for name, param in model.named_parameters():
        if "lora_B" in name:
            param.data.normal_()  # B starts at zero: make the adapter count
    x = torch.randn(3, 5, 16)

    def run() -> tuple[torch.Tensor, list[torch.Tensor]]:
        model.zero_grad()
        out = model(x)
        out.square().mean().backward()
        return out.detach(), [p.grad.clone() for p in model.parameters() if p.requires_grad]

    peft_out, peft_grads = run()
    assert speed.fuse_lora_linears(model) == 2
    fused_out, fused_grads = run()
    assert torch.allclose(peft_out, fused_out, atol=1e-6)
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(peft_grads, fused_grads, strict=True))

    model[0].enable_adapters(False)  # PEFT's own forward takes over: the base layer alone
    base = model[0].base_layer(x)
    assert torch.equal(model[0](x), base)
