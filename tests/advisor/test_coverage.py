"""Issue 21: a tool no rule knows is named before the closest general advice (advisor/coverage.py).

Person judges of the held-out split found most wrong answers answered a LoRA-shaped question instead of the
one asked about a tool the rulebook had never met. The advisor now says which named tool it has no notes on."""

import pytest

from advisor.coverage import Coverage


@pytest.fixture(scope="module")
def coverage(advisor):
    return advisor._coverage()


@pytest.mark.parametrize(
    "text,names",
    [
        ("Does sd-webui-frobnicator work in Forge with LoRAs?", ["sd-webui-frobnicator"]),
        ("FrobStyle vs IP-Adapter for copying a style?", ["FrobStyle"]),
        ("컴피 ComfyUI-Frobnicate-Pack 노드로 로라 두 개 나눠 쓸 수 있음?", ["ComfyUI-Frobnicate-Pack"]),
        # tools the rules know, under their names or without the ecosystem's prefix
        ("ComfyUI-Impact-Pack regional sampler with two LoRAs?", []),
        ("sd-webui-lora-block-weight presets for a face LoRA?", []),
        ("Is ComfyUI-Impact-Pack's FaceDetailer good with a character LoRA?", []),
        # model files, settings, keys and phrases are not tools
        ("my mychar-000004.safetensors looks better than the last epoch", []),
        ("someLora_v2 and realmodel_xl_v01 together look fried", []),
        ("what does cache_latents_to_disk do?", []),
        ("lora_unet_down_blocks_0_downsamplers_0_conv not loaded", []),
        ("LoRA-on-LoRA stacking in the right-region of the image", []),
    ],
)
def test_unknown_tools_are_named_and_nothing_else(coverage, text, names):
    assert coverage.unknown_tools(text) == names


def test_the_answer_says_which_tool_it_has_no_notes_on(advisor):
    answer = advisor.ask(
        "How do I use the sd-webui-frobnicator extension with my character LoRA?", use_llm=False
    )
    assert answer.text.startswith("Nothing in my notes covers sd-webui-frobnicator itself")
    ko = advisor.ask("sd-webui-frobnicator 확장이랑 캐릭 로라 같이 쓰는 법?", use_llm=False)
    assert ko.text.startswith("sd-webui-frobnicator 자체에 대한 내용은 제 규칙에 없습니다")
    known = advisor.ask("How do I use the sd-webui-lora-block-weight extension with my LoRA?", use_llm=False)
    assert "Nothing in my notes covers" not in known.text


def test_a_pasted_log_gets_no_such_line(advisor):
    log = "\n".join(
        [
            "Traceback (most recent call last):",
            '  File "/app/sd-scripts/train_network.py", line 1033, in <module>',
            "    trainer.train(args)",
            "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB",
            "03:12:44 INFO steps: 10/2000 loss=0.12 from custom-node-frobnicator",
        ]
    )
    assert "Nothing in my notes covers" not in advisor.ask(log, use_llm=False).text


def test_coverage_reads_rule_sources_and_intent_patterns(advisor):
    coverage = Coverage(advisor.rulebook, ["x-?frob-?comfyui"])
    assert coverage.knows("x-frob-comfyui") and not coverage.knows("y-frob-comfyui")
