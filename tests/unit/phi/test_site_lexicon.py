"""The site lexicon: the file's format and its refusals by line, whole-word matching, the
roster from the store's user names, the setting, and the enhancers' declared order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.errors import ErrorCode, FileNotFound, InvalidRequest, PermissionDenied
from engine.handlers.scrubbing import scrub_with_site, site_lexicon_of
from engine.phi import PhiType, Scrubber, site_lexicon
from engine.phi.clinical_filter import ClinicalFilter
from engine.phi.enhancers import Each, Extend, StrongNames
from engine.phi.lexicons import load
from engine.phi.merge import Merge
from engine.phi.names import NameRecognizer
from engine.phi.site_lexicon import SiteLexicon, SiteTerm, parse, read, roster
from engine.phi.types import Detection
from engine.protocol import Role, ScrubPolicy
from engine.store import settings, users

GOOD = ("\ufeff# Riverside site lexicon\n"
        "\n"
        "Zelbourne General\tORGANIZATION\n"
        "ZGH\torganization\n"
        "  # wards\n"
        "Marrowby Ward\tLOCATION\n"
        "St. Oswin's\tLOCATION\n"
        "Tavistrom\tNAME\n"
        "Kessler-Varga\tNAME\r\n")


@pytest.fixture
def lexicon_file(tmp_path):
    def write(text: str, name: str = "site.tsv") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)
    return write


def test_a_good_file_reads_past_comments_blank_lines_and_a_bom(lexicon_file):
    terms = read(Path(lexicon_file(GOOD)))
    assert terms == [SiteTerm("Zelbourne General", PhiType.ORGANIZATION),
                     SiteTerm("ZGH", PhiType.ORGANIZATION),
                     SiteTerm("Marrowby Ward", PhiType.LOCATION),
                     SiteTerm("St. Oswin's", PhiType.LOCATION),
                     SiteTerm("Tavistrom", PhiType.NAME),
                     SiteTerm("Kessler-Varga", PhiType.NAME)]


@pytest.mark.parametrize(("lines", "line", "problem"), [
    (["Zelbourne\tNAME", "Tavistrom NAME"], 2, "no tab"),
    (["# roster", "Tavistrom\tDOCTOR"], 2, "type"),
    (["Tavistrom\t"], 1, "type"),
    (["\tNAME"], 1, "empty term"),
    (["  . \tNAME"], 1, "empty term"),
    (["Tavistrom\tNAME\tcardiology"], 1, "more than one tab"),
    (["Tavistrom\tNAME", "", "TAVISTROM\tLOCATION"], 3, "line 1 with another type"),
])
def test_a_malformed_line_is_refused_naming_its_number_not_its_term(lines, line, problem):
    with pytest.raises(InvalidRequest) as err:
        parse(lines)
    assert err.value.code is ErrorCode.INVALID_REQUEST
    assert err.value.details == {"line": line}
    assert f"line {line} " in err.value.message and problem in err.value.message
    assert "tavistrom" not in (err.value.message + str(err.value.details)).lower()


def test_a_repeated_term_of_the_same_type_is_no_error():
    assert len(SiteLexicon(parse(["ZGH\tORGANIZATION", "zgh\tORGANIZATION"]))) == 1


def test_missing_unreadable_and_non_utf8_files_are_coded_errors(tmp_path):
    with pytest.raises(FileNotFound) as err:
        read(tmp_path / "absent.tsv")
    assert err.value.code is ErrorCode.FILE_NOT_FOUND and "absent.tsv" in err.value.message
    with pytest.raises(InvalidRequest, match="folder"):
        read(tmp_path)
    latin = tmp_path / "latin1.tsv"
    latin.write_bytes("ZGH\tORGANIZATION\nG\xf6rlitz\tLOCATION\n".encode("latin-1"))
    with pytest.raises(InvalidRequest) as err:
        read(latin)
    assert err.value.details["line"] == 2 and "not UTF-8" in err.value.message
    bad = tmp_path / "bad.tsv"
    bad.write_text("ZGH ORGANIZATION\n")
    with pytest.raises(InvalidRequest) as err:
        read(bad)
    assert err.value.details == {"line": 1, "path": str(bad)}


SITE = SiteLexicon(parse(GOOD.lstrip("\ufeff").splitlines()))


@pytest.mark.parametrize(("text", "found"), [
    ("Transferred from ZGH overnight.", [("ZGH", PhiType.ORGANIZATION)]),
    ("transferred from zgh, then zelbourne general", [("zgh", PhiType.ORGANIZATION),
                                                      ("zelbourne general",
                                                       PhiType.ORGANIZATION)]),
    ("TO MARROWBY  WARD THIS AM", [("MARROWBY  WARD", PhiType.LOCATION)]),
    ("back to Marrowby\nWard", [("Marrowby\nWard", PhiType.LOCATION)]),
    ("Marrowby alone is no term", []),
    ("ZGHX and XZGH and ZGHs are longer words", []),
    ("Dr Tavistrom's note; seen by dr. tavistrom", [("Tavistrom", PhiType.NAME),
                                                   ("tavistrom", PhiType.NAME)]),
    ("Tavistromberg is another name", []),
    ("kessler varga and KESSLER-VARGA", [("kessler varga", PhiType.NAME),
                                         ("KESSLER-VARGA", PhiType.NAME)]),
    ("to St Oswin’s, then ST. OSWIN'S", [("St Oswin’s", PhiType.LOCATION),
                                         ("ST. OSWIN'S", PhiType.LOCATION)]),
    ("bed 4 on zgh2", [("zgh", PhiType.ORGANIZATION)]),  # a ward or bed number may follow
])
def test_terms_match_case_insensitively_as_whole_words(text, found):
    assert [(text[d.start:d.end], d.type) for d in SITE.analyze(text)] == found
    assert all(d.source == "site_lexicon" and d.score == site_lexicon.SCORE
               for d in SITE.analyze(text))


def test_the_longest_listed_term_wins():
    site = SiteLexicon(parse(["Holbeck\tORGANIZATION", "Holbeck Abbey Hospital\tORGANIZATION",
                              "Holbeck Abbey\tLOCATION"]))
    text = "from holbeck abbey hospital to Holbeck Abbey, then Holbeck Abbeyfield"
    assert [text[d.start:d.end] for d in site.analyze(text)] == [
        "holbeck abbey hospital", "Holbeck Abbey", "Holbeck"]


def test_thousands_of_terms_are_one_pattern():
    names = [f"Zq{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676)}ski"
             for i in range(3000)]
    site = SiteLexicon(SiteTerm(n, PhiType.NAME) for n in names)
    assert len(site) == 3000
    text = f"Seen by {names[1234]} and {names[2999].upper()}; not Zqaaaskis."
    assert [text[d.start:d.end] for d in site.analyze(text)] == [names[1234],
                                                                 names[2999].upper()]


def test_the_scrubber_removes_listed_terms_and_keeps_the_rest():
    text = "Pt back from ZGH to Marrowby Ward; Tavistrom aware. BP 120/80, afebrile."
    scrubber = Scrubber(ScrubPolicy.REDACT, site=SITE)
    out = scrubber.scrub(text).text
    for term in ("ZGH", "Marrowby", "Tavistrom"):
        assert term not in out, out
    assert "BP 120/80, afebrile." in out
    assert any(d.source == "site_lexicon" for d in scrubber.detect(text))


def test_no_lexicon_costs_no_recognizer():
    assert not any(isinstance(r, SiteLexicon) for r in Scrubber().recognizers)
    assert Scrubber(site=SITE).recognizers[-1] is SITE


def test_the_roster_takes_names_from_user_names():
    lex = load()
    terms = {t.term: t.type for t in roster(["alice", "j.okonkwo", "admin", "bill.ward",
                                             "nurse3", "maria_vasquez2"], lex)}
    assert terms == {"alice": PhiType.NAME, "okonkwo": PhiType.NAME,
                     "bill ward": PhiType.NAME,  # "bill" and "ward" alone are words
                     "maria vasquez": PhiType.NAME, "maria": PhiType.NAME,
                     "vasquez": PhiType.NAME}


def test_build_reads_again_only_when_the_file_changes(lexicon_file):
    path = lexicon_file("ZGH\tORGANIZATION\n")
    first = site_lexicon.build([path], ["alice"])
    assert site_lexicon.build([path], ["alice"]) is first
    assert (len(first), first.listed) == (2, 1)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("Marrowby Ward\tLOCATION\n")
    os.utime(path, ns=(os.stat(path).st_mtime_ns + 10**9,) * 2)
    again = site_lexicon.build([path], ["alice"])
    assert again is not first and (len(again), again.listed) == (3, 2)
    assert site_lexicon.build([], []) is None


def test_the_setting_is_checked_when_set(store, lexicon_file, tmp_path):
    good = lexicon_file(GOOD)
    with store.db.transaction() as conn:
        assert settings.get(conn, "phi.site_lexicon") == ""
        settings.put(conn, "phi.site_lexicon", good)
        assert settings.get(conn, "phi.site_lexicon") == good
        with pytest.raises(InvalidRequest) as err:
            settings.put(conn, "phi.site_lexicon", lexicon_file("ZGH\tWARD\n", "bad.tsv"))
        assert err.value.details["line"] == 1
        with pytest.raises(FileNotFound):
            settings.put(conn, "phi.site_lexicon", str(tmp_path / "absent.tsv"))
        with pytest.raises(InvalidRequest, match="absolute"):
            settings.put(conn, "phi.site_lexicon", "site.tsv")
        settings.put(conn, "phi.site_lexicon", "")  # none
        assert settings.get(conn, "phi.site_lexicon") == ""


def test_the_policy_fixes_the_setting(store, lexicon_file, tmp_path, monkeypatch):
    good = lexicon_file(GOOD)
    policy = tmp_path / "policy.toml"
    policy.write_text(f"[phi]\nsite_lexicon = '{good}'\n")
    monkeypatch.setenv("HNTAI_POLICY", str(policy))
    with store.db.transaction() as conn:
        assert settings.get(conn, "phi.site_lexicon") == good
        with pytest.raises(PermissionDenied):
            settings.put(conn, "phi.site_lexicon", "")
    assert len(site_lexicon_of(store)) == 6


def test_the_engine_scrubs_with_the_setting_and_the_store_users(store, lexicon_file):
    text = "Seen by Dr. Okonkwo at ZGH; called alice re plan."
    with store.db.transaction() as conn:
        users.insert(conn, "j.okonkwo", Role.CLINICIAN)
        users.insert(conn, "alice", Role.CLERK)
    site = site_lexicon_of(store)
    assert site is not None and site.listed == 0 and len(site) == 2  # "admin" is no name
    with store.db.transaction() as conn:
        settings.put(conn, "phi.site_lexicon", lexicon_file(GOOD))
    out = scrub_with_site(store, text, "redact", b"s" * 32).text
    for term in ("Okonkwo", "ZGH", "alice"):
        assert term not in out, out
    site = site_lexicon_of(store)
    assert (len(site), site.listed) == (8, 6)


# --- the enhancers ------------------------------------------------------------------------

def test_the_enhancers_run_in_their_declared_order():
    names = [e.name for e in Scrubber().enhancers]
    assert names == ["names.propagated", "names.neighbours", "places.around",
                     "addresses.blocks", "signatures", "affiliations", "clinical_filter",
                     "names.widen", "facilities.ward_number", "merge"]


def test_extend_each_and_strong_names():
    text = "Mr. Okonkwo came. Later Okonkwo left."
    strong = Detection(PhiType.NAME, 4, 11, 0.95, "names.title")
    out = StrongNames(load(), lambda word: False).enhance(text, [strong])
    assert [text[d.start:d.end] for d in out] == ["Okonkwo", "Okonkwo", "Okonkwo"]
    added = Detection(PhiType.DATE, 0, 3, 0.8, "x")
    assert Extend("x", lambda t, found: [added]).enhance(text, [strong]) == [strong, added]
    moved = Each("x", lambda t, d: Detection(d.type, d.start - 4, d.end, d.score, d.source))
    assert moved.enhance(text, [strong])[0].start == 0


def test_the_filter_drops_low_scores_and_clinical_guesses_but_not_listed_terms():
    lex = load()
    flt = ClinicalFilter(lex, NameRecognizer(lex))
    text = "Murphy sign positive; Murphy on call."
    guess = Detection(PhiType.NAME, 0, 6, 0.6, "names.unknown")
    weak = Detection(PhiType.NAME, 22, 28, 0.3, "names.unknown")
    listed = Detection(PhiType.NAME, 22, 28, site_lexicon.SCORE, "site_lexicon")
    assert flt.enhance(text, [guess, weak, listed]) == [listed]


def test_merge_keeps_one_span_of_overlapping_words():
    text = "to Holbeck Abbey Hospital"
    out = Merge().enhance(text, [Detection(PhiType.ORGANIZATION, 3, 25, 0.8, "a"),
                                 Detection(PhiType.LOCATION, 3, 16, 0.95, "b")])
    assert [(d.start, d.end) for d in out] == [(3, 25)]
