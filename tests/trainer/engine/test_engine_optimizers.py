"""Lion, schedule-free AdamW, CAME and optimizer_args; the scheduler knobs (num_cycles, power, min lr)."""

import itertools

import pytest
import torch

from config.training import ConfigError, from_dict
from trainer.engine.errors import TrainingError
from trainer.engine.optim import build_optimizer, build_scheduler
from trainer.engine.optim_args import EvalWeights, check_optimizer_args
from trainer.export.training_meta import optimizer_entry


def _fit(name: str, args: dict, steps: int = 20) -> tuple[float, float]:
    torch.manual_seed(0)
    model = torch.nn.Linear(8, 1)
    x = torch.randn(64, 8)
    y = x @ torch.randn(8, 1)
    opt = build_optimizer(name, [{"params": list(model.parameters()), "lr": 1e-2}], 0.0, args)

    def loss() -> torch.Tensor:
        return torch.nn.functional.mse_loss(model(x), y)

    with torch.no_grad(), EvalWeights(opt):
        before = loss().item()
    for _ in range(steps):
        opt.zero_grad()
        loss().backward()
        opt.step()
    with torch.no_grad(), EvalWeights(opt):
        after = loss().item()
    return before, after


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("lion", {}),
        ("adamwschedulefree", {}),
        ("came", {}),
        ("adamw", {"betas": (0.8, 0.99)}),
        ("lion", check_optimizer_args("lion", ["betas=0.95,0.98"])),
    ],
)
def test_each_optimizer_lowers_the_loss_of_a_tiny_model(name, args):
    before, after = _fit(name, args)
    assert after < 0.9 * before


def test_optimizer_args_reach_the_optimizer():
    model = torch.nn.Linear(2, 1)
    args = check_optimizer_args("lion", ["betas=0.95,0.98 weight_decay=0.5"])
    opt = build_optimizer("lion", [{"params": list(model.parameters()), "lr": 1e-3}], 0.01, args)
    assert opt.param_groups[0]["betas"] == (0.95, 0.98) and opt.param_groups[0]["weight_decay"] == 0.5


def test_a_bad_optimizer_args_key_is_refused_naming_it():
    with pytest.raises(TrainingError) as err:
        check_optimizer_args("came", ["betas=0.9,0.999,0.9999", "momentum=0.9"])
    assert (
        err.value.field == "optimizer_args"
        and "'momentum'" in str(err.value)
        and "clip_threshold" in str(err.value)
    )
    with pytest.raises(TrainingError, match="learning_rate"):
        check_optimizer_args("adamw", ["lr=1"])
    with pytest.raises(ConfigError) as bad:
        from_dict({"optimizer_args": ["betas 0.9"]})
    assert bad.value.field == "optimizer_args"


def _lrs(name: str, total: int, **kw) -> list[float]:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = build_scheduler(name, opt, warmup_steps=0, total_steps=total, **kw)
    out = []
    for _ in range(total):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


def test_cosine_with_restarts_cycles_as_configured():
    lrs = _lrs("cosine_with_restarts", 30, num_cycles=3)
    restarts = [i for i in range(1, 30) if lrs[i] > lrs[i - 1] + 0.5]
    assert restarts == [10, 20] and lrs[0] == lrs[10] == lrs[20] == 1.0
    once = _lrs("cosine_with_restarts", 30)  # num_cycles 1: no restart
    assert all(b <= a for a, b in itertools.pairwise(once))


def test_polynomial_power_and_min_lr_ratio():
    linear, square = _lrs("polynomial", 10), _lrs("polynomial", 10, power=2.0)
    assert square[5] < linear[5]
    floor = _lrs("cosine_with_min_lr", 20, min_lr_ratio=0.1)
    assert floor[0] == 1.0 and min(floor) >= 0.1 - 1e-9 and floor[-1] < 0.12
    with pytest.raises(ConfigError) as err:
        from_dict({"lr_scheduler_min_lr_ratio": 0.1})
    assert err.value.field == "lr_scheduler_min_lr_ratio"


def test_ss_optimizer_names_the_class_and_its_arguments():
    cfg = from_dict({"optimizer": "lion", "optimizer_args": ["betas=0.95,0.98"], "weight_decay": 0.1})
    assert optimizer_entry(cfg) == "lion_pytorch.lion_pytorch.Lion(weight_decay=0.1,betas=(0.95, 0.98))"


def test_a_run_with_schedule_free_adamw_and_its_arguments(tiny_model, dataset, tmp_path):
    """Through the engine: optimizer_args reach it, it trains, the file records ss_optimizer."""
    from engine_helpers import fast_config
    from safetensors import safe_open

    from trainer.engine.train import train
    from trainer.job_paths import read_events

    cfg = fast_config(
        tiny_model("sd15"),
        dataset,
        tmp_path,
        optimizer="adamwschedulefree",
        optimizer_args=["betas=0.9,0.99", "warmup_steps=1"],
        lr_scheduler="cosine_with_restarts",
        lr_scheduler_num_cycles=2,
    )
    assert train(cfg, tmp_path).status == "done"
    lrs = [e["lr"] for e in read_events(tmp_path) if e["type"] == "step"]
    assert lrs[1] > lrs[0] and lrs[1] == max(lrs)  # 4 steps, 2 cycles: back to the top after step 2
    with safe_open(str(tmp_path / "output" / "my_lora.safetensors"), "pt") as fh:
        meta = fh.metadata()
    assert meta["ss_optimizer"].startswith("schedulefree.adamw_schedulefree.AdamWScheduleFree(")
    assert "betas=(0.9, 0.99)" in meta["ss_optimizer"]
