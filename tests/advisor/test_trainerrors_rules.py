"""Issue 21, part trainerrors (twelfth session): errors a trainer prints, routed by the message's meaning to the rule
that explains it. The questions are written fresh, not taken from any bank."""

import pytest


@pytest.mark.parametrize(
    "text,wanted,unwanted",
    [
        # every parameter group skipped for a zero learning rate, or no LoRA modules made
        (
            "ValueError: optimizer got an empty parameter list right after prepare optimizer, I set unet_lr to 0",
            "trainerrors.empty_param_list",
            None,
        ),
        (
            "옵티마이저 만들 때 optimizer got an empty parameter list 에러 나요",
            "trainerrors.empty_param_list",
            None,
        ),
        # a library of another version than the trainer pins
        (
            "TypeError: __init__() got an unexpected keyword argument 'use_reentrant' in kohya after updating",
            "trainerrors.unexpected_kwarg",
            None,
        ),
        (
            "sd-scripts에서 got an unexpected keyword argument 에러가 떠요",
            "trainerrors.unexpected_kwarg",
            "setup.state_dict_keys",
        ),
        # an optimizer's argument: the optimizer_args rule leads
        (
            "Adafactor.__init__() got an unexpected keyword argument 'betas'",
            "optimizer.args_mismatch",
            None,
        ),
        # out of memory at the end of an epoch is the sampling that follows the save
        (
            "It trains fine but I get out of memory at the end of each epoch",
            "trainerrors.oom_epoch_end",
            None,
        ),
        ("에폭 끝날 때마다 메모리 부족으로 터져요", "trainerrors.oom_epoch_end", None),
        ("OOM only when the sample images are generated during training", "oom.sample_generation", None),
        # Windows native crash
        (
            "Windows fatal exception: access violation while caching latents",
            "trainerrors.access_violation",
            None,
        ),
        ("학습하다 0xC0000005로 튕겨요", "trainerrors.access_violation", None),
        # Flux file in an SD script, and Flux's extra files
        (
            "Missing key(s) in state_dict when I train flux with train_network.py",
            "trainerrors.flux_wrong_script",
            None,
        ),
        ("플럭스 학습하는데 t5xxl 없다고 에러남 뭐 넣어야 됨?", "trainerrors.flux_wrong_script", None),
        # disk full while saving is the disk, not a damaged file
        (
            "SafetensorError: Error while serializing: IoError(Os { code: 28, kind: StorageFull })",
            "disk.full",
            None,
        ),
        # a mention of an error as context only is not taken
        (
            "Which learning rate should I use for an SDXL character LoRA?",
            None,
            "trainerrors.empty_param_list",
        ),
    ],
)
def test_trainerrors_routes(advisor, text, wanted, unwanted):
    answer = advisor.ask(text, use_llm=False)
    if wanted:
        assert wanted in answer.rule_ids, (text, answer.rule_ids)
    if unwanted:
        assert unwanted not in answer.rule_ids, (text, answer.rule_ids)
