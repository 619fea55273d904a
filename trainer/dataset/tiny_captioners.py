"""Tiny captioning models of the real architectures, built offline for tests and the demo.

No BLIP or WD14 weights exist on these machines, so the code paths are exercised on:
- a tiny random-weight `BlipForConditionalGeneration` (2-layer vision and text towers, width 32,
  32 px images) saved with `save_pretrained`, with a `BlipProcessor` whose BERT WordPiece tokenizer
  uses a vocabulary generated here (BERT's special tokens plus `[DEC]` as BOS, as in BLIP);
- a tiny ONNX graph with the WD14 signature (NHWC float32 BGR 448x448 in, sigmoid probabilities
  out) and a generated `selected_tags.csv`. Its weights are set by hand so that its tags follow
  the image's mean colour ("red theme" for red images): a wrong channel order or a wrong threshold
  in the tagger gives visibly wrong tags in the tests.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

#: Caption words of the tiny BLIP's vocabulary (its outputs are random strings of these).
_WORD_LINES = (
    "a an the of with on in at and is are two three",
    "man woman girl boy person people cat dog bird horse car rocket cup coffee table chair bed",
    "tree grass sky cloud water beach street road building room wall floor window door",
    "red blue green yellow white black brown orange pink purple grey",
    "hair shirt dress hat glasses face hand smile",
    "sitting standing lying walking running holding wearing looking",
    "small large big old young close up photo picture painting drawing view front side top",
)
_WORDS = tuple(word for line in _WORD_LINES for word in line.split())
_SUFFIXES = ("##s", "##es", "##ing", "##ed", "##ly")
_SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")

#: (name, category, weights on mean B, G, R in [0, 1], bias) for the tiny WD14 graph.
_WD14_TAGS = (
    ("general", 9, (0.0, 0.0, 0.0), 3.0),
    ("sensitive", 9, (0.0, 0.0, 0.0), -3.0),
    ("questionable", 9, (0.0, 0.0, 0.0), -4.0),
    ("explicit", 9, (0.0, 0.0, 0.0), -5.0),
    ("red_theme", 0, (-8.0, -8.0, 10.0), -2.0),
    ("green_theme", 0, (-8.0, 10.0, -8.0), -2.0),
    ("blue_theme", 0, (10.0, -8.0, -8.0), -2.0),
    ("bright", 0, (3.0, 3.0, 3.0), -4.5),
    ("dark", 0, (-4.0, -4.0, -4.0), 2.0),
    ("simple_background", 0, (0.0, 0.0, 0.0), 1.0),
    ("no_humans", 0, (0.0, 0.0, 0.0), 0.5),
    ("1girl", 0, (0.0, 0.0, 0.0), -3.0),
    ("^_^", 0, (0.0, 0.0, 0.0), -3.0),
    ("hatsune_miku", 4, (6.0, 6.0, -10.0), -5.0),
)
WD14_SIDE = 448


def write_wordpiece_vocab(path: Path) -> list[str]:
    vocab = [*_SPECIALS, *dict.fromkeys(_WORDS), *_SUFFIXES]
    path.write_text("\n".join(vocab) + "\n", encoding="utf-8")
    return vocab


def build_tiny_blip(out_dir: str | Path, seed: int = 0) -> Path:
    """Write a tiny random BLIP captioner (model + processor) to `out_dir`; returns the folder."""
    import tempfile

    import torch
    from transformers import BertTokenizer, BlipConfig, BlipForConditionalGeneration, BlipProcessor
    from transformers.models.blip.image_processing_pil_blip import BlipImageProcessorPil

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        # transformers 5 ignores `vocab_file=` in the constructor; loading the folder reads it.
        write_wordpiece_vocab(Path(tmp) / "vocab.txt")
        tokenizer = BertTokenizer.from_pretrained(tmp, do_lower_case=True, model_max_length=64)
    tokenizer.add_special_tokens({"bos_token": "[DEC]"})
    processor = BlipProcessor(
        BlipImageProcessorPil(size={"height": 32, "width": 32}),
        tokenizer,
    )
    dec = tokenizer.convert_tokens_to_ids("[DEC]")
    text = {
        "vocab_size": len(tokenizer),
        "hidden_size": 32,
        "encoder_hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "max_position_embeddings": 64,
        "projection_dim": 32,
        "bos_token_id": dec,
        "eos_token_id": tokenizer.sep_token_id,
        "sep_token_id": tokenizer.sep_token_id,
        "pad_token_id": tokenizer.pad_token_id,
    }
    vision = {
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "image_size": 32,
        "patch_size": 8,
        "projection_dim": 32,
    }
    config = BlipConfig(text_config=text, vision_config=vision, projection_dim=32)
    torch.manual_seed(seed)
    model = BlipForConditionalGeneration(config)
    model.save_pretrained(out)
    processor.save_pretrained(out)
    return out


def build_tiny_wd14(out_dir: str | Path) -> Path:
    """Write `model.onnx` + `selected_tags.csv` with the WD14 signature to `out_dir`; returns the folder."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    weights = np.array([w for _, _, w, _ in _WD14_TAGS], dtype=np.float32).T / 255.0  # [3, tags]
    bias = np.array([b for _, _, _, b in _WD14_TAGS], dtype=np.float32)
    n = len(_WD14_TAGS)
    graph = helper.make_graph(
        [
            helper.make_node("ReduceMean", ["input_1:0"], ["mean_bgr"], axes=[1, 2], keepdims=0),
            helper.make_node("MatMul", ["mean_bgr", "W"], ["logits0"]),
            helper.make_node("Add", ["logits0", "B"], ["logits"]),
            helper.make_node("Sigmoid", ["logits"], ["predictions_sigmoid"]),
        ],
        "tiny_wd14",
        [helper.make_tensor_value_info("input_1:0", TensorProto.FLOAT, ["batch", WD14_SIDE, WD14_SIDE, 3])],
        [helper.make_tensor_value_info("predictions_sigmoid", TensorProto.FLOAT, ["batch", n])],
        initializer=[numpy_helper.from_array(weights, "W"), numpy_helper.from_array(bias, "B")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="loracord")
    model.ir_version = 8  # readable by every onnxruntime since 1.10
    onnx.checker.check_model(model)
    onnx.save(model, out / "model.onnx")
    with (out / "selected_tags.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["tag_id", "name", "category", "count"])
        for i, (name, category, _, _) in enumerate(_WD14_TAGS):
            writer.writerow([i, name, category, 1000 - i])
    return out
