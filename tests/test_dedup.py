from __future__ import annotations

from storyline.dedup import containment, content_hash, find_origin, shingles

WIRE = ("A fire tore through the Norvell Plastics plant on the eastern edge of Brackmoor on Tuesday morning, sending "
        "nine workers to hospital and forcing the evacuation of about 400 residents from nearby streets. The blaze "
        "started shortly after 6 a.m. in a storage hall where resin drums were kept, the fire service said. "
        "Firefighters brought it under control within three hours.")


def test_trimmed_copy_is_contained():
    copy = WIRE.rsplit(" Firefighters", 1)[0] + " Share this article."
    assert containment(shingles(copy), shingles(WIRE)) > 0.8


def test_unrelated_text_is_not():
    other = ("Town councillors voted on Monday to build a new public library on Mill Street, replacing the cramped "
             "reading room in the old post office, at a cost of about 3.5 million euros.")
    assert containment(shingles(other), shingles(WIRE)) < 0.1


def test_find_origin_follows_the_original():
    assert find_origin(shingles(WIRE), [("a2", "a1", shingles(WIRE))], 0.5) == "a1"
    assert find_origin(shingles("Completely different words about ferries and tides."),
                       [("a2", "a1", shingles(WIRE))], 0.5) is None


def test_content_hash_ignores_whitespace_but_not_outlet():
    assert content_hash("T", "O", "a  b\nc") == content_hash("T", "O", "a b c")
    assert content_hash("T", "O", "a b c") != content_hash("T", "P", "a b c")


def test_batch_index_finds_only_texts_that_share_shingles():
    from storyline.dedup import ShingleIndex

    index = ShingleIndex()
    index.add("a1", "a1", shingles(WIRE))
    index.add("b1", "b1", shingles("Completely different words about ferries and tides in the northern bay today."))
    found = index.candidates(shingles(WIRE.rsplit(" Firefighters", 1)[0]))
    assert [article_id for article_id, _, _ in found] == ["a1"]
