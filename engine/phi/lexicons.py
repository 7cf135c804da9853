"""Word lists shipped under resources/phi, loaded once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "phi"
# Words rarer than this in English are names when a name list holds them ("Hughes" is 6254th).
RARE_RANK = 5000
COMMON_RANK = 2000  # the everyday words of English
WIDE_USE = 12  # languages whose word lists hold a given name of wide use


# Cities named by an ordinary English word, which a note writes as that word
# ("Independence with transfers", "Enterprise" as a company's): no city without a cue.
_ORDINARY_CITY_NAMES = frozenset({
    "independence", "enterprise", "paradise", "surprise", "providence", "vista", "riverside",
    "centennial", "midland", "mesa", "concord"})


def _lines(name: str) -> list[str]:
    text = (RESOURCES / name).read_text("utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@dataclass(frozen=True)
class Lexicons:
    given_names: frozenset[str]  # lower case
    surnames: frozenset[str]  # lower case
    places: frozenset[str]  # lower case, multi-word allowed
    state_codes: frozenset[str]
    state_names: frozenset[str]  # lower case
    clinical_terms: frozenset[str]  # lower case phrases
    clinical_words: frozenset[str]  # lower case single words of those phrases
    terms_by_first_word: dict[str, tuple[str, ...]]  # "parkinson" -> ("parkinson disease", …)
    common_words: frozenset[str]  # lower case English words that are not names in text
    english_rank: dict[str, int]  # frequency rank of common English words (0 = most frequent)
    # every word of ICD-10-CM and drug names, and of the clinical lexicons: known, not names
    vocabulary: frozenset[str]
    given_list: tuple[str, ...]  # title case, for surrogates
    surname_list: tuple[str, ...]
    place_list: tuple[str, ...]
    # Given names of other countries, lower case, none an English word of note or a clinical
    # word: evidence beside other evidence (a surname, a cue, a list), never alone.
    world_given: frozenset[str] = frozenset()
    # Those written in many languages: names of wide use, not a word of one language that is
    # also a name somewhere ("Jens", "Magnus" — not "Lamina", "Sella")
    widely_given: frozenset[str] = frozenset()
    world_places: frozenset[str] = frozenset()  # towns of the world, no everyday English word
    # US cities of 100,000 or more, lower case, none an everyday, clinical or shorthand word:
    # notes name them without a cue ("daughter flew in from Cincinnati")
    cities: frozenset[str] = frozenset()
    # The others of one word but those clinical, shorthand, common or ordinary words: words
    # too (a vocabulary's "Philadelphia chromosome", English's "Boston", "Chicago"), so places
    # only where case says so, capitalised mid-sentence ("a retired Boston firefighter")
    proper_cities: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()  # lower case; no Safe Harbor identifier
    # Nursing and ICU shorthand ("afeb", "tmax", "dsg", "neo"): clinical text, never a name
    # by itself, though a few are names too ("Mae", "Foley")
    shorthand: frozenset[str] = frozenset()
    # The words of HNTAI's clinical lexicons (drug, device and disease names): what charting
    # misspells ("Levofed"), a narrower list than the whole vocabulary's rare words
    lexicon_words: frozenset[str] = frozenset()

    def place(self, plain: str) -> bool:
        """A US place, or a town of the world that is no everyday English word — not a
        country, though towns share their names ("Norway", Maine)."""
        return (plain in self.places or plain in self.world_places) and (
            plain not in self.countries)

    def known(self, plain: str) -> bool:
        """An English, clinical or state word, or an inflection of one ("biopsies", "bruits",
        "diffusely", "ambulates"): not evidence of a name by itself."""
        return any(self.listed(form) for form in _stems(plain))

    def listed(self, plain: str) -> bool:
        """Known as written, without its inflections."""
        return (plain in self.english_rank or plain in self.vocabulary
                or plain in self.common_words or plain in self.clinical_words
                or plain in self.state_names or plain in self.shorthand)

    def listed_words(self) -> set[str]:
        """Every word listed() holds, as one set (built anew: asked once by a WordJudge)."""
        return (set(self.english_rank) | self.vocabulary | self.common_words
                | self.clinical_words | self.state_names | self.shorthand)

    def named(self, plain: str) -> bool:
        """On a given-name or surname list."""
        return plain in self.surnames or self.given(plain)

    def given(self, plain: str) -> bool:
        """A given name of the Census list or of another country's."""
        return plain in self.given_names or plain in self.world_given


_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ly", ""), ("ing", ""), ("ing", "e"),
                ("ed", ""), ("ed", "e"), ("ally", "al"), ("ized", ""), ("ised", ""),
                ("i", "us"), ("ae", "a"))
_NEGATIONS = ("non-", "non", "un", "anti-", "anti", "dis", "re", "pre")


def _stems(plain: str) -> list[str]:
    """The word and what it may be built from: an inflection (plural, adverb, -ing, -ed,
    Latin plurals) and a negating prefix ("uncircumcised", "non-contributory")."""
    bases = [plain] + [plain[len(p):] for p in _NEGATIONS
                       if plain.startswith(p) and len(plain) - len(p) >= 4]
    forms = list(bases)
    for base in bases:
        for ending, replacement in _INFLECTIONS:
            if base.endswith(ending) and len(base) - len(ending) >= 3:
                forms.append(base[:-len(ending)] + replacement)
    return forms


def _by_first_word(terms: list[str]) -> dict[str, tuple[str, ...]]:
    """Phrases by their first word, with and without a possessive ("crohn's" and "crohn")."""
    index: dict[str, list[str]] = {}
    for term in terms:
        first = term.split()[0]
        for key in {first, first.replace("'s", "")}:
            index.setdefault(key, []).append(term)
    return {key: tuple(value) for key, value in index.items()}


def _foreign(words: list[str], known: set[str], rank: dict[str, int], floor: int) -> set[str]:
    """The words of a world list that English or clinical text does not use as words."""
    return {w for w in words if w not in known and rank.get(w, floor) >= floor}


@functools.cache
def load() -> Lexicons:
    given = _lines("given_names.txt")
    surnames = _lines("surnames.txt")
    places = _lines("us_places.txt")
    states = [ln.split("\t") for ln in _lines("us_states.txt")]
    terms = [t.lower() for t in _lines("clinical_terms.txt")]
    words = {w for t in terms for w in t.replace("-", " ").replace("'s", "").split()}
    common = {w.lower() for w in _lines("common_words.txt")}
    rank = {w: i for i, w in enumerate(_lines("english_words.txt"))}
    lexicon = _lines("clinical_lexicon_words.txt")
    vocabulary = set(_lines("clinical_vocab.txt")) | set(lexicon)
    known = vocabulary | words | common
    # Given names of other countries, rare in English and no clinical word ("Enrico", "Borna").
    languages = dict(ln.split("\t") for ln in _lines("world_given_names.txt"))
    world_given = _foreign(list(languages), known, rank, RARE_RANK)
    world_places = _foreign([p.lower() for p in _lines("world_places.txt")], known, rank,
                            COMMON_RANK)
    # a city of one word that clinical text also writes as a word ("Orange", "Mesquite",
    # "Philadelphia chromosome") or that names a country ("Jamaica") is left to the cued rules
    shorthand = frozenset(_lines("clinical_shorthand.txt"))
    countries = frozenset(c.lower() for c in _lines("countries.txt"))
    ordinary = words | common | shorthand | countries | _ORDINARY_CITY_NAMES
    plain_words = ordinary | vocabulary
    us_cities = [c.lower() for c in _lines("us_cities.txt")]
    cities = {c for c in us_cities if " " in c or (
        c not in plain_words and rank.get(c, COMMON_RANK) >= COMMON_RANK)}
    proper_cities = {c for c in us_cities if c not in cities and c.isalpha()
                     and c not in ordinary}
    return Lexicons(
        given_names=frozenset(g.lower() for g in given),
        surnames=frozenset(s.lower() for s in surnames),
        places=frozenset(p.lower() for p in places),
        state_codes=frozenset(code for code, _ in states),
        state_names=frozenset(name.lower() for _, name in states),
        clinical_terms=frozenset(terms),
        clinical_words=frozenset(words),
        terms_by_first_word=_by_first_word(terms),
        common_words=frozenset(common),
        english_rank=rank,
        vocabulary=frozenset(vocabulary),
        given_list=tuple(g for g in given if g.isalpha() and len(g) > 2),
        surname_list=tuple(s for s in surnames[:5000] if s.isalpha() and len(s) > 2),
        place_list=tuple(p for p in places if p.replace(" ", "").isalpha() and
                         "County" not in p)[:5000],
        world_given=frozenset(world_given),
        widely_given=frozenset(n for n in world_given if int(languages[n]) >= WIDE_USE),
        world_places=frozenset(world_places),
        cities=frozenset(cities),
        proper_cities=frozenset(proper_cities),
        countries=countries,
        shorthand=shorthand,
        lexicon_words=frozenset(lexicon),
    )
