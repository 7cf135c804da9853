"""One judge of single words, built once from the lexicons and handed to every recognizer
that asks "could this word be a name?": everyday, clinical, shorthand, misspelt or clipped
words are not; words on a name list, or known to no vocabulary, may be."""

from __future__ import annotations

import calendar
import functools
import re
from bisect import bisect_left
from string import ascii_lowercase

from engine.phi.lexicons import COMMON_RANK, RARE_RANK, Lexicons
from engine.phi.text_pieces import folded_word

# Words of institutions, not people: "Brendan Regional Hospital" is no person's name.
INSTITUTION_WORDS = frozenset({
    "hospital", "clinic", "center", "centre", "medical", "regional", "memorial", "health",
    "healthcare", "university", "college", "institute", "associates", "cardiology",
    "oncology", "pediatrics", "radiology", "laboratory", "lab", "pharmacy", "infirmary",
    "hospice", "rehabilitation", "nursing", "home", "family", "practice", "group", "county",
    "general", "community", "children's", "women's", "veterans", "surgical", "care", "city",
    "children", "women",
})
# Interjections and endearments that the name lists also hold ("Ok, let me…", "Honey?").
ADDRESS_WORDS = frozenset({"ok", "okay", "ha", "ah", "oh", "eh", "yo", "honey", "buddy", "love",
                           "sweetie", "darling", "babe", "baby", "dear", "jesus", "christ",
                           "lord", "god", "sonny", "bud", "champ"})
CALENDAR = frozenset(n.lower() for n in (*calendar.month_name, *calendar.day_name) if n)
FUNCTION_RANK = 300  # "no", "do", "how": never a name by their capital alone
# Kinship, titles and roles: the words that announce a name, never a part of it ("Son
# David", "Drs Ferullo and Saeed", "NP Janice").
KIN_WORDS = frozenset({
    "son", "sons", "daughter", "daughters", "dtr", "kid", "child", "wife", "husband", "spouse",
    "partner", "brother", "sister", "mother", "father", "mom", "mum", "dad", "boyfriend",
    "girlfriend", "fiance", "fiancee", "niece", "nephew", "cousin", "aunt", "uncle",
    "grandson", "granddaughter", "grandaughter", "grandmother", "grandfather", "grandma",
    "grandpa", "stepson", "stepdaughter", "friend", "neighbor", "neighbour", "roommate",
    "caregiver", "proxy", "hcp"})
ROLE_WORDS = KIN_WORDS | {
    "dr", "drs", "dr's", "doctor", "mr", "mrs", "ms", "miss", "mx", "prof", "rn", "np", "pa",
    "md", "rrt", "rt", "lpn", "attending", "resident", "fellow", "intern", "nurse",
    "caseworker", "chaplain", "physician", "surgeon", "staff", "team", "pt", "patient"}
# Medical word-building: an unknown word shaped like these is clinical, not a name
# ("Normocephalic", "Nontender", "Conjunctivae", "Hemostasis", "Nephrology", "Ambulates").
MEDICAL_SHAPE = re.compile(
    r"(?:non|hyper|hypo|post|peri|intra|extra|trans|supra|infra|anti|micro|neuro|cardio|"
    r"gastro|hemo|haemo?|naso|oro|osteo|endo|oxy|multi|myelo|anaesth|paed)[a-z]{3,}|"
    r"[a-z]+(?:ology|ologic|ological|ologist|itis|emia|osis|asis|iasis|ectomy|ostomy|otomy|"
    r"oscopy|oscopic|plasty|pathy|algia|"
    r"ic|ical|ically|ally|ation|ations|ive|ary|ae|ous|pril|olol|artan|statin|mab|nib|cillin|"
    r"mycin|cycline|azole|caine|pam|lam|done|ium|ase|gram|graphy|meter|metry|ics|ility|"
    r"cocet|codin|ar|al|rrhea|rrhoea|ynx|alis|ism|oid|oma|ulum|us|"
    # drug-name stems (USAN): "-sone", "-vir", "-floxacin", "-prazole", "-lukast" …
    r"sone|olone|vir|tide|parin|floxacin|dipine|profen|triptan|azepam|oxetine|afil|gliptin|"
    r"gliflozin|terol|tropium|dronate|semide|thiazide|conazole|prazole|tidine|setron|lukast|"
    r"zosin|trel|vax|caps|met|ory|ories|ates|ated|ating)")
_CLIPPED_MIN = 4  # "Amiod", "Bilat": a clinical word cut short, at least this long
_MISSPELT_MIN = 6  # "Apetite", "Contiue": one slip from a word, at least this long
_SWAPPED_MIN = 4  # "Wtih": two letters swapped in a word at least this long
_ACRONYM = 3  # letters of an acronym at most ("EPS", "CCU")
_ACRONYM_IN_MIXED = 5  # in a text otherwise in lower case ("NSICU", "TSICU")
_COMPOUND_PART = 4  # "Siderails", "Airmatress": known words of four letters, the first three
_NEAR_MIN = 6  # "Levofed": two slips from a clinical word only when both are this long


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _changes(word: str) -> set[str]:
    """Every word one letter changed or added away."""
    return {word[:i] + c + word[i + j:] for i in range(len(word) + 1) for j in (0, 1)
            for c in ascii_lowercase if j == 0 or i < len(word)}


def plain(word: str) -> str:
    """A word as the lexicons hold it: lower case, straight apostrophe, no possessive."""
    return folded_word(word).rstrip(".,").removesuffix("'s")


class WordJudge:
    """What a word is, by the lexicons: a name, an everyday, clinical or shorthand word, or a
    word no vocabulary knows."""

    def __init__(self, lexicons: Lexicons) -> None:
        self.lex = lexicons
        # Clinical words in order, to find a clipped one by its start ("Amiod" → amiodarone).
        self._clinical = sorted(lexicons.vocabulary | lexicons.clinical_words
                                | lexicons.shorthand)

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - one judge per process, words repeat
    def is_weak(self, word: str) -> bool:
        """A word that may be ordinary English, clinical or institutional vocabulary."""
        w = plain(word)
        lex = self.lex
        # Eponyms ("Parkinson", "Smith") stay name-like here: the scrubber's clinical filter
        # looks at what follows them ("Parkinson disease") instead.
        clinical = w in lex.clinical_words and w not in lex.surnames and (
            w not in lex.given_names)
        return w in lex.common_words or clinical or w in INSTITUTION_WORDS

    def rare(self, word: str) -> bool:
        """Rare in English, and no clinical or common word."""
        lex = self.lex
        return (lex.english_rank.get(word, RARE_RANK) >= RARE_RANK and word not in lex.vocabulary
                and word not in lex.clinical_words and word not in lex.common_words)

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - one judge per process, words repeat
    def unfamiliar(self, word: str) -> bool:
        """No vocabulary knows it, and it is not shaped like a medical word, nor a plural of
        one ("Tympanograms"), nor an adjective of a known word ("Streaky")."""
        if self.lex.known(word):
            return False
        if self.lex.named(word):
            return True
        if word.endswith("y") and len(word) > 5 and self.lex.known(word[:-1]):
            return False
        return (MEDICAL_SHAPE.fullmatch(word.removesuffix("s")) is None
                and MEDICAL_SHAPE.fullmatch(word) is None)

    def slip(self, word: str) -> bool:
        """A known word misspelt, cut short or run together with another ("Apetite",
        "Amiod", "Siderails"): what an unknown word is where a capital says nothing (at a
        sentence start, in lower or upper case text) — elsewhere a capital may be a brand's
        ("Hellowallet")."""
        if self.lex.named(word) or self.lex.place(word):
            return False  # "Katrine", "Broomfield": a name or a town, not a slip
        return self.clipped(word) or self.misspelt(word) or self.compound(word)

    def compound(self, word: str) -> bool:
        """Two known words written as one ("Siderails", "Startedpicking"), the first perhaps
        short, the second perhaps misspelt ("Airmatress")."""
        known = self._word
        return any(known(word[:i]) and (known(word[i:]) or self.misspelt(word[i:]))
                   for i in range(_COMPOUND_PART - 1, len(word) - _COMPOUND_PART + 1))

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - as misspelt(): a costly judgement
    def near_clinical(self, word: str) -> bool:
        """Two slips at most from a drug's, a device's or a shorthand word of six letters or
        more that is no English word, the first letter kept ("Levofed" → levophed,
        "Prpafol" → propofol): charting, not a name — a strong cue (a title, a role) still
        finds a name that happens to be one."""
        if len(word) < _NEAR_MIN or not word.isascii() or not word.isalpha() or (
                self.lex.named(word)):
            return False
        firsts = self._near_index
        first = word[0]
        return any(first in firsts.get(c, "") for c in (word, *_deletes(word))) or any(
            # a change and one slip more (the changes held in the index, at C speed)
            first in firsts[c] for c in firsts.keys() & _changes(word))

    @functools.cached_property
    def _near_index(self) -> dict[str, str]:
        """Those words, and each with one letter left out, to the first letters of the words
        they come from; built when first asked (most texts never ask)."""
        lex = self.lex
        firsts: dict[str, str] = {}
        for w in lex.shorthand | lex.clinical_words | lex.lexicon_words:
            if len(w) >= _NEAR_MIN and w.isalpha() and self._clinical_word(w):
                for key in (w, *_deletes(w)):
                    if w[0] not in firsts.get(key, ""):
                        firsts[key] = firsts.get(key, "") + w[0]
        return firsts

    def _clinical_word(self, word: str) -> bool:
        lex = self.lex
        return (word in lex.vocabulary or word in lex.shorthand) and not (
            word in lex.english_rank or lex.named(word))

    def _word(self, word: str) -> bool:
        """A known word that is no name: what a misspelt or run-together word was meant to
        be ("Apetite" → appetite — but "Muriele" is no slip of "Muriel")."""
        return self.lex.listed(word) and not self.lex.named(word)

    def clipped(self, word: str) -> bool:
        """The start of a longer clinical word: charting shorthand ("Amiod", "Bilat",
        "Dobuta")."""
        if len(word) < _CLIPPED_MIN:
            return False
        i = bisect_left(self._clinical, word)
        return any(len(w) >= len(word) + 2 and not self.lex.named(w)
                   for w in self._clinical[i:i + 3] if w.startswith(word))

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one judge per process, words repeat
    def misspelt(self, word: str, clinical: bool = False) -> bool:
        """One slip (a letter missing, added, changed or two swapped) from a known word
        ("Apetite", "Contiue", "Reveiw", "Vomitted"); with clinical, from a drug's or a
        device's name that is no English word ("Banadryl", "Yankaur")."""
        if len(word) < _SWAPPED_MIN or not word.isalpha() or self.lex.named(word):
            return False
        # every candidate at once against the set of such words, at C speed (asked one by
        # one, an eight-letter name cost some 470 look-ups)
        known = self._clinical_words if clinical else self._plain_words
        swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
        if not known.isdisjoint(swapped):
            return True  # two letters swapped, even in a short word ("Wtih", "Neuor")
        return len(word) >= _MISSPELT_MIN and not known.isdisjoint(
            (_changes(word) | _deletes(word)) - {word})

    @functools.cached_property
    def _plain_words(self) -> frozenset[str]:
        """Every word _word() holds: listed, and no name."""
        return frozenset(w for w in self.lex.listed_words() if not self.lex.named(w))

    @functools.cached_property
    def _clinical_words(self) -> frozenset[str]:
        """Every word _clinical_word() holds."""
        return frozenset(w for w in self.lex.vocabulary | self.lex.shorthand
                         if self._clinical_word(w))

    def spoken_to(self, word: str, after_comma: bool, stop: str) -> bool:
        """A given name in a vocative's place (NameRecognizer._vocative): no month, greeting
        or function word, after a comma no place, and before a full stop or a comma no
        everyday word."""
        w = folded_word(word)
        lex = self.lex
        if (not lex.given(w) or w in CALENDAR or w in ADDRESS_WORDS or w in ROLE_WORDS
                or lex.english_rank.get(w, RARE_RANK) < FUNCTION_RANK):
            return False  # "April", "May", "Will", "Ok, let me…", "Son, who is HCP, …"
        if after_comma and (lex.place(w) or w in lex.state_names
                            or w in lex.shorthand):
            return False  # "Richmond, Virginia?", "A+OX3, Mae, following commands"
        return not (after_comma and stop in ".," and self.is_weak(word))  # "…, Walker."

    def shorthand(self, word: str) -> bool:
        return word in self.lex.shorthand

    def evidence(self, word: str, acronyms: bool = False) -> bool:
        """A word in lower or upper case that names someone: a given name that is no
        function word ("bill", "DAVID"), a surname rarer than everyday English ("knight",
        "MURPHY"), or a word no vocabulary knows ("BAKAITIS") — no role, kin or shorthand
        word; with acronyms, an unknown word in capitals is an acronym, no name ("NSICU")."""
        lex = self.lex
        if "-" in word:  # "phoned-family", "co-signature": every part must be a name's
            return all(self.evidence(part, acronyms) for part in word.split("-"))
        if word in ROLE_WORDS or word in lex.shorthand or len(word) < 2:
            return False
        if word in lex.countries or word in lex.state_names or (
                lex.place(word) and not lex.named(word)):
            return False  # "Malta", "Ohio", "Towson": places
        rank = lex.english_rank.get(word, RARE_RANK)
        if word in lex.given_names:
            return rank >= FUNCTION_RANK
        if word in lex.surnames:
            return rank >= COMMON_RANK
        # an unknown word in capitals is an acronym if short ("EPS"), and in a text
        # otherwise in lower case even longer ("NSICU")
        return len(word) > (_ACRONYM_IN_MIXED if acronyms else _ACRONYM) and (
            self.unfamiliar(word)) and not self.slip(word)


_JUDGES: dict[int, tuple[Lexicons, WordJudge]] = {}


def judge(lexicons: Lexicons) -> WordJudge:
    """The one judge of these lexicons, built on first use."""
    held = _JUDGES.get(id(lexicons))
    if held is None or held[0] is not lexicons:
        held = _JUDGES[id(lexicons)] = (lexicons, WordJudge(lexicons))
    return held[1]
