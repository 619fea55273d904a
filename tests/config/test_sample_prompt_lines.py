"""sd-scripts' sample prompt lines: every flag, quoting, prompt files, and refusals naming the line."""

import pytest

from config.sample_prompts import PromptLineError, SamplePrompt, parse_prompt_line, parse_prompt_lines
from config.training import ConfigError, from_dict, load_train_config
from trainer.queue.samplereq import SampleRequest, SampleRequestError


def test_every_flag_is_read():
    line = "sks girl, smiling --n lowres, bad hands --w 512 --h 768 --d 42 --s 28 --l 7.5 --ss euler_a"
    assert parse_prompt_line(line) == SamplePrompt(
        "sks girl, smiling", "lowres, bad hands", 512, 768, 42, 28, 7.5, "euler_a"
    )


def test_a_plain_prompt_keeps_the_run_defaults():
    assert parse_prompt_line("a photo of sks") == SamplePrompt("a photo of sks")


def test_flags_in_any_order_and_sampler_aliases():
    spec = parse_prompt_line("cat --ss DPM++_2M_Karras --d 1 --n dog")
    assert (spec.sampler, spec.seed, spec.negative) == ("dpm++_2m_karras", 1, "dog")
    assert parse_prompt_line("cat --ss k_euler_a").sampler == "euler_a"
    assert parse_prompt_line("cat --ss dpmsolver++").sampler == "dpmsolver++"
    assert parse_prompt_line("cat --ss ddim").sampler == "ddim"


def test_quotes_keep_a_double_dash_inside_a_negative_prompt():
    spec = parse_prompt_line('"a cat --w 9 on a mat" --n "ugly --l blurry" --w 640')
    assert spec.prompt == "a cat --w 9 on a mat"
    assert spec.negative == "ugly --l blurry"
    assert spec.width == 640 and spec.scale is None


def test_sizes_round_down_to_a_multiple_of_8_like_sd_scripts():
    assert parse_prompt_line("x --w 513 --h 770").width == 512
    assert parse_prompt_line("x --w 513 --h 770").height == 768


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("x --w abc", ["--w", "whole number", "--w 512"]),
        ("x --h 10", ["--h", "between 64"]),
        ("x --d -1", ["--d", "between 0"]),
        ("x --s 0", ["--s", "between 1"]),
        ("x --l high", ["--l", "number", "--l 7.0"]),
        ("x --ss plms_fast", ["--ss", "plms_fast", "euler_a"]),
        ("x --q 3", ["unknown flag --q", "--n"]),
        ("x --w 512 --w 640", ["twice"]),
        ("--n only a negative", ["prompt is empty"]),
        ("x --s", ["--s", "needs a value"]),
    ],
)
def test_malformed_lines_name_line_flag_and_fix(line, words):
    with pytest.raises(PromptLineError) as err:
        parse_prompt_lines(["fine prompt", "# a comment", line])
    assert err.value.line == 3
    for word in words:
        assert word in str(err.value)


def test_config_refuses_a_bad_line_naming_the_field_and_line():
    with pytest.raises(ConfigError) as err:
        from_dict({"sample_prompts": ["ok --d 1", "bad --s many"]})
    assert err.value.field == "sample_prompts"
    assert "line 2" in str(err.value) and "--s" in str(err.value)


def test_prompt_file_as_in_sd_scripts(tmp_path):
    (tmp_path / "prompts.txt").write_text(
        "# my prompts\nsks, 1girl --n lowres --w 512 --h 768 --d 5\n\nsks, outdoors --ss ddim\n",
        encoding="utf-8",
    )
    (tmp_path / "train.toml").write_text('sample_prompts = "prompts.txt"\n', encoding="utf-8")
    cfg = load_train_config(tmp_path / "train.toml")
    assert cfg.sample_prompts == ["sks, 1girl --n lowres --w 512 --h 768 --d 5", "sks, outdoors --ss ddim"]
    (tmp_path / "bad.txt").write_text("ok\n# c\nx --w wide\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        from_dict({"sample_prompts": str(tmp_path / "bad.txt")})
    assert "bad.txt: line 3" in str(err.value)
    with pytest.raises(ConfigError, match="not found"):
        from_dict({"sample_prompts": str(tmp_path / "missing.txt")})


def test_sample_job_request_refuses_a_bad_line_before_queueing():
    SampleRequest(source_run="/r", prompts=("a --n b --w 512 --ss euler",))
    with pytest.raises(SampleRequestError) as err:
        SampleRequest(source_run="/r", prompts=("fine", "x --ss nope"))
    assert err.value.field == "prompts" and "prompt 2" in str(err.value) and "--ss" in str(err.value)
