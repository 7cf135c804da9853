"""bench/phi_eval.py scores no country and no "nan" placeholder inside an address span, and
reports the spread of fresh synthetic sets."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "bench" / "phi_eval.py"
_spec = importlib.util.spec_from_file_location("phi_eval", BENCH)
phi_eval = importlib.util.module_from_spec(_spec)
sys.modules["phi_eval"] = phi_eval  # its dataclasses look their module up there
_spec.loader.exec_module(phi_eval)


def test_countries_and_missing_states_in_an_address_are_ignored():
    text = "Send it to 12 Rooseveltlaan 110\n Utrecht\n Netherlands, or KNIVSTA, nan 18237"
    start = text.index("12")
    parts = phi_eval._split(text, start, len(text), "LOCATION", phi_eval._not_phi_in_addresses())
    ignored = [text[s:e] for s, e, c in parts if c is None]
    counted = " ".join(text[s:e] for s, e, c in parts if c)
    assert ignored == ["Netherlands", "nan"]
    assert "Utrecht" in counted and "18237" in counted


def test_other_spans_are_kept_whole():
    parts = phi_eval._split("Norway Smith", 0, 12, "NAME", phi_eval._not_phi_in_addresses())
    assert parts == [(0, 12, "NAME")]


def test_the_spread_covers_fresh_sets_and_orders_its_figures(monkeypatch):
    # Faker comes with the bench extra only: a stand-in generator, one name per note
    names = iter(["Okafor", "Lindqvist", "Brandauer", "Szczepanik", "Moreau", "Nakamura"])

    def fake_generator(count, seed):
        return [phi_eval.Example(f"Seen by Dr. {n} today.", [(12, 12 + len(n), "NAME")])
                for n in [next(names), next(names)][:count]]

    monkeypatch.setattr(phi_eval, "generate_synthetic", fake_generator)
    spans = phi_eval.hntai_spans()
    out = phi_eval.spread(seed=7, sets=3, count=20, spans=spans)
    assert out["sets"] == 3
    for key in ("recall", "precision", "names"):
        low, median, high = out[key]
        assert 0.0 <= low <= median <= high <= 1.0
    assert phi_eval.spread(seed=7, sets=0, count=20, spans=spans) == {
        "sets": 0, "recall": [], "precision": [], "names": []}


def test_side_by_side_scores_each_tool_on_its_fastest_round():
    examples = [phi_eval.Example("Seen by Dr. Okafor today.", [(12, 18, "NAME")])]
    calls = {"a": 0, "b": 0}

    def tool(name, found):
        def spans(text):
            calls[name] += 1
            return found
        return spans

    out = phi_eval.side_by_side(examples, {"a": tool("a", [(12, 18)]), "b": tool("b", [])}, 3)
    assert calls == {"a": 3, "b": 3}
    assert out["a"]["recall"] == 1.0 and out["b"]["recall"] == 0.0
    assert out["a"]["notes_per_s_one_core"] > 0


def test_the_bench_site_lexicon_is_a_valid_lexicon_of_every_type():
    from engine.phi.site_lexicon import read

    kinds = {term.type.value for term in read(phi_eval.SITE_LEXICON)}
    assert kinds == {"NAME", "ORGANIZATION", "LOCATION"}


def test_the_dev_half_is_scored_whole_and_by_part_with_its_errors(monkeypatch):
    sys.path.insert(0, str(BENCH.parent))  # phi_eval imports bench/physionet.py by name
    import physionet

    # stand-in notes, one per part: the dev half itself is read from ../shared only
    parts = {"tune": [phi_eval.Example("Seen by Dr. Okafor at ZGH.", [(12, 18, "NAME"),
                                                                      (22, 25, "LOCATION")])],
             "report": [phi_eval.Example("Back to Marrowby 2 on 7/4.", [(8, 16, "LOCATION"),
                                                                        (22, 25, "DATE")])]}
    monkeypatch.setattr(physionet, "load", lambda part: parts[part])
    tools = {"names": lambda text: [(12, 18)] if "Okafor" in text else [],
             "all": lambda text: [(0, len(text))]}
    out = phi_eval.dev_half(tools, rounds=2, top=5)
    assert set(out) == {"physionet_dev/all", "physionet_dev/tune", "physionet_dev/report"}
    tune, report = out["physionet_dev/tune"], out["physionet_dev/report"]
    assert tune["names"]["per_category"]["NAME"]["recall"] == 1.0
    assert tune["names"]["top_missed"] == [("LOCATION:ZGH", 1)]
    assert report["names"]["recall"] == 0.0 and report["all"]["recall"] == 1.0
    assert ("Back", 1) in report["all"]["top_false_positives"]
    assert out["physionet_dev/all"]["all"]["notes"] == 2
    assert "notes_per_s_one_core" in out["physionet_dev/all"]["names"]
    assert "notes_per_s_one_core" not in tune["names"]


def test_a_title_inside_a_gold_name_is_neither_gold_nor_a_false_positive():
    text = "Seen by Dr. Okafor and Mrs Brandauer; Dr. was out."
    ex = phi_eval.Example(text, [(8, 18, "NAME"), (23, 36, "NAME"), (38, 41, "NAME")])
    assert [(text[s:e], c) for s, e, c in ex.gold] == [
        ("Dr. ", None), ("Okafor", "NAME"), ("Mrs ", None), ("Brandauer", "NAME"),
        ("Dr.", "NAME")]  # a title alone is left as marked
    score = phi_eval.Score()
    score.add(ex, [(12, 18), (27, 36)])  # the names, not their titles
    assert score.table()["recall"] == round(2 / 3, 4) and score.table()["precision"] == 1.0
