"""The bundled int8 ONNX MiniLM against the original float32 weights, and what the vectors are for."""

from __future__ import annotations

import numpy as np
import pytest

from storyline import embed

pytestmark = pytest.mark.slow

SENTENCES = [
    "European leaders met in Paris on Monday for emergency talks on Ukraine.",
    "Leaders of European countries gathered in the French capital for crisis talks.",
    "An earthquake of magnitude 6.1 struck northern California on Sunday morning.",
    "A strong quake shook the north of California early on Sunday.",
    "The striker signed a four-year contract with the club on Tuesday.",
    "Twelve workers were taken to hospital after the fire at the plastics plant.",
    "Nine people were treated in hospital after a blaze at the factory.",
    "The central bank left interest rates unchanged, as expected.",
    "Prices rose 4.1 percent in May compared with a year earlier.",
    "Indian Navy commandos prevented pirates from boarding a merchant ship in the Gulf of Aden.",
    "“We will not be able to help Ukraine,” Tusk told reporters.",
    "Zelensky, Zelenskyy and Zelenskiy are three spellings of one name.",
    "", "OK.", "a " * 300,
]


def test_int8_onnx_is_faithful_to_the_original_weights():
    fast = embed.load("minilm-int8").embed(SENTENCES)
    exact = embed.load("minilm-fp32").embed(SENTENCES)
    cosines = (fast * exact).sum(axis=1)
    assert cosines.min() > 0.99 and cosines.mean() > 0.998


def test_vectors_are_unit_length_and_paraphrases_are_closer():
    vectors = embed.load("minilm-int8").embed(SENTENCES[:8])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.3 and sims[2, 3] > sims[2, 4] + 0.3 and sims[5, 6] > sims[5, 7]


def test_order_of_a_batch_does_not_change_vectors():
    model = embed.load("minilm-int8")
    forward = model.embed(SENTENCES[:6])
    backward = model.embed(SENTENCES[:6][::-1])[::-1]
    assert np.allclose(forward, backward, atol=1e-5)


def test_int8_arithmetic_copy_stays_close_to_the_original_weights():
    fast = embed.load("minilm-q8").embed(SENTENCES)
    exact = embed.load("minilm-fp32").embed(SENTENCES)
    cosines = (fast * exact).sum(axis=1)
    assert cosines.min() > 0.95 and cosines.mean() > 0.985  # the weakest: an empty text and "OK."
    # what alignment and placement read: the similarity of two sentences, not each vector alone
    assert np.abs(fast[:8] @ fast[:8].T - exact[:8] @ exact[:8].T).max() < 0.05


def test_int8_arithmetic_copy_is_made_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    made = embed.quantised_path()
    assert made.parent == tmp_path / "storyline" and made.stat().st_size > 1_000_000
    assert not [p for p in made.parent.iterdir() if p != made]  # no temporary files left
    stamp = made.stat().st_mtime_ns
    assert embed.quantised_path() == made and made.stat().st_mtime_ns == stamp


def test_a_missing_model_folder_is_a_coded_error(tmp_path):
    with pytest.raises(embed.ModelUnavailable):
        embed.load(str(tmp_path))
