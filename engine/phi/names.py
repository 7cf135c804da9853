"""Person names: titles, labels, verbs of care, credentials, and the Census name lists.

Names are the hard part. Context rules ("Dr.", "Patient:", "seen by", ", MD") catch unknown
names; so do the shapes of speech about people: who is spoken to ("Mark, can you take a deep
breath?"), kin beside their kinship ("my son Michael"), who spoke a quotation ('…," says
Iwase.', 'Rose: "…"') and who gives or is given something of theirs ("gave Angel his
address"). The lexicon rules catch known given names with what follows them. A capitalised
word that is also a common English word or a clinical term needs a strong context. A word
guessed a name that stands where drugs, devices and eponyms stand ("Vioxx 25 mg daily",
"circle of Willis", "a trial of Tridil") is judged clinical by clinical_place().
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from engine.phi.cues import finditer, fold
from engine.phi.lexicons import COMMON_RANK, RARE_RANK, Lexicons, load
from engine.phi.name_rules import CuedNames
from engine.phi.text_pieces import LOWER, NON_SPACE, folded_word, starts_sentence
from engine.phi.types import Detection, PhiType
from engine.phi.words import (
    ADDRESS_WORDS,
    CALENDAR,
    FUNCTION_RANK,
    INSTITUTION_WORDS,
    MEDICAL_SHAPE,
    ROLE_WORDS,
    WordJudge,
    judge,
    plain,
)


# A capitalised word; at most four hyphenated parts, so that a match never runs on along an
# endless hyphen chain (that would make every search quadratic). Its "Mc", "Mac", "O'", "D'"
# are read after the capital: a regex led by a capital skips to capitals at C speed, one led
# by an optional prefix is tried at every character.
def _word(not_after: str = "") -> str:
    """WORD; with ``not_after``, a character class, only where no such character stands
    before it (``(?<!\\w)`` is ``\\b`` before a capital). That lookbehind is read after the
    capital, so that the scan still skips to capitals: one in front of it is tried at every
    character."""
    lead = rf"[A-Z](?<!{not_after}.)" if not_after else "[A-Z]"
    return (rf"(?:{lead}(?:(?<=M)a?c[A-Z]|(?<=[OD])['’][A-Z])?[{LOWER}]+"
            rf"(?:[-'’][A-Z]?[{LOWER}]+){{0,3}}|{lead}\.)")


WORD = _word()
WORD_AT_BREAK = _word(r"\w")  # \b{WORD}
WORD_UNJOINED = _word(r"[\w'’\-]")  # no word, apostrophe or hyphen before it
CAPS = r"(?:[A-Z]{2,}(?:[-'][A-Z]+){0,3}|[A-Z]\.)"
_TITLE = r"(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Doctor|Sister|Rev|Professor|Mister)"
_LABELS = (
    r"patient(?:\s+name)?|pt(?:\s+name)?|name|provider|attending(?:\s+physician)?|physician|"
    r"surgeon|anesthesiologist|referring(?:\s+(?:physician|provider|doctor))?|pcp|"
    r"primary\s+care(?:\s+(?:physician|provider))?|nurse|rn|np|resident|fellow|"
    r"electronically\s+signed\s+by|signed\s+by|signed|dictated\s+by|transcribed\s+by|"
    r"reviewed\s+by|cc|contact|emergency\s+contact|mother|father|spouse|wife|husband|son|"
    r"daughter|guardian|sister|brother|next\s+of\s+kin|caregiver|witness|interpreter|author|"
    r"patient's\s+name|legal\s+name|alias|aka|surname|last\s+name|first\s+name|"
    r"maiden\s+name|family\s+name|given\s+name"
)
_VERBS = (
    r"seen|referred|examined|evaluated|treated|followed|signed|dictated|reviewed|discussed|"
    r"accompanied|attended|managed|consulted|operated|visited|called|spoke|spoken|cared\s+for|"
    r"transcribed|prescribed|performed|read|interpreted|supervised|assisted|follow[\s-]?up|"
    r"met|meet|speak|talk(?:ed)?"
)
_CREDENTIALS = r"(?:M\.?D|D\.?O|RN|NP|PA(?:-C)?|PhD|DDS|DMD|MBBS|FACP|FACS|CNM|LPN|APRN|DPM|MSN)"
_CREDENTIAL_WORD = re.compile(rf"{_CREDENTIALS}\.?,?")
# What every credential holds as written (in capitals, as _CREDENTIALED reads them).
_CREDENTIAL_MARKS = ("MD", "M.D", "DO", "D.O", "RN", "NP", "PA", "PhD", "DDS", "DMD", "MBBS",
                     "FAC", "CNM", "LPN", "DPM", "MSN")
# The legal form of a company: "Microbilt Corporation", "Acme Inc".
LEGAL_FORMS = frozenset({"corporation", "corp", "inc", "incorporated", "llc", "ltd", "plc",
                         "company", "co", "gmbh", "limited"})

_TITLE_ONLY = re.compile(rf"{_TITLE}\.?")
_GAP = r"[ \t]{1,2}"  # words of one name sit close together on one line
_TITLED = re.compile(rf"\b{_TITLE}\.?{_GAP}(?P<n>{WORD}(?:{_GAP}{WORD}){{0,2}})")
_LABELLED = re.compile(
    rf"\b(?i:{_LABELS})[ \t]*[:\-–?][ \t]*(?:{_TITLE}\.?{_GAP})?"
    rf"(?P<n>{WORD}(?:,?{_GAP}{WORD}){{0,3}}|{CAPS}(?:,?{_GAP}{CAPS}){{0,3}})")
_CARE = re.compile(rf"\b(?i:{_VERBS})\s+(?:by|with|to|for)\s+(?:{_TITLE}\.?{_GAP})?"
                   rf"(?P<n>{WORD}(?:{_GAP}{WORD}){{0,2}})")
# Who said or was called what: "says Hicks", "starring Lee", "a daughter named Kelly",
# "she named him Frank", "according to Ruiz".
_SPOKEN = re.compile(rf"\b(?:says|said|asked|told|starring|featuring|according\s+to|"
                     rf"(?:named|nicknamed|called|calls?)(?:\s+(?:him|her|them|me))?|"
                     rf"Dear|Hi|Hello|Hey|name\s+is|name\s+was)"
                     rf"\s+(?:{_TITLE}\.?{_GAP})?(?P<n>{WORD}(?:{_GAP}{WORD}){{0,2}})")
# Who introduces themselves: "I'm Mark Hill", "this is Priya" — a first name that no sentence
# uses, or one and a surname ("I am Fine", "I am Cuban" are no introductions).
_INTRODUCED = re.compile(rf"\b(?:I['’]m|I[ \t]+am|[Tt]his[ \t]+is)[ \t]+(?:{_TITLE}\.?{_GAP})?"
                         rf"(?P<n>{WORD}(?:{_GAP}{WORD}){{0,2}})")
# Kin named beside the kinship: "my son Michael", "her late husband, Ernest", "my kid Oskar".
KIN = (r"(?:son|daughter|kid|child|wife|husband|spouse|partner|brother|sister|mother|father|"
       r"mom|mum|dad|boyfriend|girlfriend|fianc[eé]e?|niece|nephew|cousin|aunt|uncle|"
       r"grandson|granddaughter|grandmother|grandfather|grandma|grandpa|stepson|stepdaughter|"
       r"friend|neighbou?r|roommate|caregiver)")
KIN_BEFORE = (rf"\b(?i:my|his|her|their|our|your|(?:the\s+)?patient['’]s)[ \t]+(?i:(?:older|"
              rf"younger|oldest|eldest|youngest|little|big|late|twin|best|ex-?|step-?)[ \t]*)?"
              rf"(?i:{KIN}),?[ \t]+")
_KIN = re.compile(rf"{KIN_BEFORE}(?P<n>{WORD}(?:{_GAP}{WORD}){{0,2}})")
# What someone has that no eponym has: kin, and things of their own ("Wilson's song" is a
# person's, "Wilson's disease" a condition).
_KIN_AFTER = re.compile(rf"[ \t]+(?i:{KIN}|songs?|books?|novels?|albums?|house|car|phone|"
                        r"address|email|birthday|funeral)\b")
# Whoever gives or is given something of theirs: "had given Angel his address", "Lee had
# given Morgan his address" (not kin or staff by their role: "gave Mom her pills").
_NO_ROLE = (rf"(?!(?i:{KIN}|nurse|doctor|doc|physician|surgeon|therapist|pharmacist|staff|"
            rf"provider|clinician|midwife|aide)\b)")
GIVEN_TO = (r"\b(?:gave|given|give|gives|giving|sent|send|sends|told|tell|tells|showed|shown|"
            r"show|handed|hand|offered|offer|owed|owe|lent|lend|promised|brought|bring|bought|"
            rf"buy|wrote|write)[ \t]+{_NO_ROLE}")
OWNER_AFTER = r"[ \t]+(?:his|her|their|my|your|our)\b"
_GIVEN_TO = re.compile(rf"{GIVEN_TO}(?P<n>{WORD})(?={OWNER_AFTER})")
_GIVER = re.compile(rf"(?=[A-Z])(?<![\w'’\-]){_NO_ROLE}(?P<n>{WORD})[ \t]+"
                    rf"(?=(?:had[ \t]+|has[ \t]+)?{GIVEN_TO}{WORD}{OWNER_AFTER})")
# A quotation and who spoke it: '…," says Iwase.', '"…," Okafor said.' — the quotation
# vouches even for a word shaped like a drug's name.
# A title and an initial only, in any case: "WITH MRS S. CARE", "spoke with dr k. about".
_TITLED_INITIAL = re.compile(
    r"\b(?i:dr|mr|mrs|ms|miss)\.?[ \t]{1,2}(?P<n>[A-Za-z]\.)(?=[ \t]+[A-Za-z]|[ \t]*[,;)]|$)")
_QUOTED = re.compile(
    rf"[,.?!][\"”’][ \t]+(?:(?:says|said|added|explained|replied|wrote)[ \t]+(?P<n>{WORD}"
    rf"(?:{_GAP}{WORD})?)|(?P<m>{WORD}(?:{_GAP}{WORD})?)[ \t]+(?:says|said|added|explained|"
    rf"replied|wrote)\b)")
# Someone spoken to, set off by a comma: "Remember me, Kelly?", "Don't go to town, Mark!",
# "Thank you, Brian.", "Mark, can you take a deep breath?". The comma and the question,
# the exclamation or the request after it are the evidence: "Frank blood in the stool",
# "Mark the site" and "uses a walker" have none. No "I" or "we" after the comma: "Erm, I
# have a fever", "Aye, I hope so" are what speakers say, not whom they speak to.
GREETING = (r"(?i:hi|hello|hey|thanks|thank[ \t]+you|good[ \t]+(?:morning|afternoon|evening|"
            r"night)|goodbye|bye|welcome(?:[ \t]+back)?)")
ADDRESS_OPENERS = (r"(?:can|could|would|will|do|does|did|are|is|have|has|how|what|when|where|"
                   r"why|who|please|let['’]?s|let|tell|take|try|come|look|listen|remember|wait|"
                   r"stop|sit|stand|lie|breathe|hold|you|you['’]re|thanks|thank)\b")
# Who speaks a quoted line of a transcript: 'Rose: "I'm Ian's daughter."'
_SPEAKER = re.compile(rf"^[ \t]*(?P<n>{WORD})[ \t]*:[ \t]*[\"“]", re.M)
_QUOTES = ('"', "”", "’")  # one of which closes every quotation _QUOTED reads
_VOCATIVE = re.compile(
    rf"(?P<g>\b{GREETING},?[ \t]+|,[ \t]+)(?P<end>{WORD})(?=[ \t]*(?P<p>[?!]|[.,](?:\s|$)))"
    rf"|(?:^|(?<=[.!?:\]\"“]))[ \t]{{0,2}}(?P<start>{WORD}),[ \t]+(?=(?i:{ADDRESS_OPENERS}))",
    re.M)
_CREDENTIALED = re.compile(rf"(?P<n>{WORD}(?:{_GAP}{WORD}){{1,3}}),?[ \t]+{_CREDENTIALS}\b")
_SEQUENCE = re.compile(rf"{WORD_UNJOINED}(?:{_GAP}{WORD})*(?![\w'’])")
_INVERTED = re.compile(rf"(?P<s>[A-Z](?<!\w.)[{LOWER}]+),\s+(?P<g>[A-Z][{LOWER}]+)\b")
_NON_SPACE_OR_COMMA = re.compile(r"[^\s,]+")
_INITIAL = re.compile(r"[A-Z]\.")
_WORD_JOINS = re.compile(r"['’\-]")  # of a word's parts: "O'Brien", "V-Tach"
# Any word in any script (not inside an e-mail, URL, path or identifier: checked behind its
# first letter, so that the scan skips to letters as with WORD).
_WORD_REST = r"(?<![\w@/\\.\-].)[^\W\d_]*(?:['’\-][^\W\d_]+){0,3}(?![\w@/])"
_ANY_WORD = re.compile(rf"[^\W\d_]{_WORD_REST}")
# The same words but those led by an ASCII small letter (no capital), skipped at C speed:
# _ANY_WORD's matches, save those, wherever no apostrophe stands before such a letter (there
# one could start inside a word _ANY_WORD reads whole: "O'Brien").
_UNLESS_SMALL = re.compile(rf"[^\W\d_a-z]{_WORD_REST}")
_JOINED = re.compile(r"['’][^\W\d_a-z]")
# Prefixes written with a hyphen: "Non-contributory", "Anti-tipper", "Re-evaluated".
_WORD_PREFIXES = frozenset({"non", "anti", "pre", "post", "re", "un", "co", "semi", "self",
                            "multi", "sub", "over", "under", "mid", "de"})
# Plural abbreviations ("WBCs") and lab-style capitals inside a word ("IgE", "NT-proBNP").
_ABBREVIATION = re.compile(r"[A-Z]{2,}s|.+[A-Z]|.*[A-Z]{2}.*")
# A capitalised word beside a name, rarer than this, is part of it ("Tilly Nicholson").
NEIGHBOUR_RANK = 8000
_UNKNOWN = 0.7  # the score of a word no vocabulary knows
_VERDICTS = 8192  # capitalised words whose verdict is kept (words repeat from note to note)
_NAME_GAP = re.compile(r"[ \t]")
_JOINING_RANK = 20  # "and", "of", "the": what joins names, no part of one ("Dr X And Dr Y")


# A title before a name and a generational suffix or credential after it belong to the
# name's span (the replacement keeps them as written: "Dr. Okafor" → "Dr. Lindqvist").
TITLE_BEFORE = re.compile(rf"\b{_TITLE}\.?[ \t]{{1,2}}$")
_SUFFIX = rf"(?:,?[ \t](?:Jr|Sr|II|III|IV|{_CREDENTIALS}|DVM)\b\.?)+"
_GENERATION_AFTER = re.compile(r"(?:,?[ \t](?:Jr|Sr|II|III|IV)\b\.?)+")
NAME_PARTS = re.compile(rf"(?P<title>{_TITLE}\.?[ \t]{{1,2}})?(?P<core>.+?)(?P<suffix>{_SUFFIX})?",
                        re.S)
_POSSESSIVE = re.compile(r"['’]s$")
_LOWER_PAIR = re.compile(r"(?P<g>[a-zà-ÿ](?<![\w@./\-].)[a-zà-ÿ]{2,})(?=[ \t](?:[a-z]\.?[ \t])?"
                         r"(?P<f>[a-zà-ÿ]{3,}(?:-[a-zà-ÿ]+)?)(?![\w@/\-]))")
# What links two names: "and", a comma in a list, an initial without its full stop, a
# particle ("Willemine ten Pas", "Dyan van Gijn").
_LINK = (r"(?P<link>,?[ \t]+(?:and|&)[ \t]+|,[ \t]+|[ \t][A-ZÀ-Þ]\.?[ \t]|[ \t](?:van|von|de|"
         r"der|den|ten|ter|da|di|du|le|la|del|della|dos|das)(?:[ \t](?:de|der|den|la))?[ \t])")
_INITIAL_LINK = re.compile(r"[ \t][A-ZÀ-Þ]\.?[ \t]")
_POSSESSOR = re.compile(rf"(?<![\w'’\-])(?P<w>[A-Z][{LOWER}]+)['’]s\b")
_WORD_BEFORE = re.compile(rf"(?P<w>{WORD_UNJOINED})(?:{_LINK}|[ \t]{{1,2}})$")
_WORD_AFTER = re.compile(rf"(?:{_LINK}|[ \t]{{1,2}})(?P<w>{WORD})(?![\w'’\-])")
# A name opening a sentence as its subject: "Enrico shouted at Gary", "Jens spent a year".
SUBJECT_VERB = (r"(?:is|was|has|had|will|would|can|could|says|said|spent|began|went|came|"
                r"took|gave|made|told|got|left|felt|knew|saw|wrote|ran|met|became|kept|held|"
                r"lost|paid|sent|[a-z]{3,}ed)\b")
# Where a sentence starts (as starts_sentence() judges), so that only those words are tried.
SENTENCE_START = r"(?:^|(?<=[.!?:\f•\-*#>]))[ \t]{0,2}"
_SUBJECT = re.compile(rf"{SENTENCE_START}(?P<w>{WORD})(?=[ \t]+{SUBJECT_VERB})", re.M)
_VERB_AFTER = re.compile(rf"[ \t]+{SUBJECT_VERB}")
# "John D seen", "Paul M's" — not "BAKAITIS W IMPROVED": in capitals a lone letter is "with"
_INITIAL_AFTER = re.compile(r"[ \t](?![AI]\b)[A-ZÀ-Þ](?:\.|\b(?![ \t]+[A-Z]{2,}\b))(?![\w\-])")


# What says a capitalised word is a drug, a product or an eponym whoever bears the name: a
# measured dose after it ("Vioxx 25 mg", "Theo-24 200 mg", "Similac 4 ounces"), a strength
# grade ("Peronei 3-/3-"), a route before it ("oral Fleet's", "IV Depacon"), an anatomical
# structure "of" it ("circle of Willis", "white line of Toldt"). No bare number, and no
# "years": "Kevin 25 years old", "John 555-1234".
_AMOUNT = r"(?:\d+(?:[.,/]\d+)*(?:[ \t]*(?:-|to)[ \t]*\d+(?:\.\d+)?)?|one|two|three|four|half)"
_MEASURE = (r"(?:mg|mcg|µg|ug|gm?|grams?|mL|ml|cc|units?|iu|IU|mEq|meq|mmol|%|ounces?|oz|"
            r"teaspoons?|tsp|tablespoons?|tbsp)")
# A maker's suffix may sit between ("Theo-24 200 mg", "Duraphen II one b.i.d.", "Alesse-28").
_SUFFIX_BETWEEN = (r"(?:-[A-Za-z0-9]{1,3})?"
                   r"(?:[ \t]+(?:[IVX]{1,3}|DM|HCT|XR|ER|SR|XL|CR|LA|ODT|HFA|D))?")
_DOSE_AFTER = re.compile(
    rf"{_SUFFIX_BETWEEN},?[ \t]*\d+(?:[.,/]\d+)*(?:[ \t]*(?:-|to)[ \t]*\d+(?:\.\d+)?)?[ \t]*"
    rf"{_MEASURE}(?![A-Za-z])|[ \t]+(?:\d[+-]/\d[+-]?|\d/\d[+-])")
# A dose right before it: "loaded with 900mg Zorbital IV" (no person is measured out).
_DOSE_BEFORE = re.compile(rf"\d(?:\.\d+)?[ \t]*{_MEASURE}[ \t]+$", re.I)
_ROUTES = frozenset({"oral", "topical", "intravenous", "iv", "ophthalmic", "inhaled",
                     "sublingual", "subcutaneous"})
_STRUCTURES = frozenset({
    "circle", "line", "pouch", "space", "triangle", "ligament", "canal", "duct", "ampulla",
    "foramen", "loop", "organ", "islet", "islets", "sphincter", "crypt", "crypts", "angle",
    "artery", "plexus", "column", "capsule", "membrane", "fascia", "tubercle", "fossa",
    "notch", "recess", "ring", "aqueduct", "septum", "gyrus", "sulcus", "bundle"})
# Weaker cues, for a word on no name list or a given name that is also a drug's ("Allegra"),
# not for "Kevin daily walks" or "gave Mary 2 tablets": a count, form, route or frequency
# after it ("Ocuvite daily", "Miacalcin nasal spray", "Econopred 8 times a day", "Darvocet-N
# 100, one q.4h"), being taken, tried or prescribed ("a trial of Tridil"), a timed exercise
# ("Restorator 25 minutes"), a pattern of breathing or a diet ("Biot's breathing").
_COUNT = (r"(?:tablets?|tabs?|capsules?|caps?|pills?|puffs?|sprays?|drops?|gtts?|"
          r"patch(?:es)?|scoops?|(?:times|once|twice)[ \t]+(?:a|per)[ \t]+(?:day|week)|"
          r"at[ \t]+bedtime|as[ \t]+needed)")
_FREQUENCY = (r"(?i:daily|nightly|b\.?i\.?d|t\.?i\.?d|q\.?i\.?d|q\.?d|q\.?h\.?s|h\.?s|p\.?r\.?n|"
              r"q\.?[ \t]?\d+(?:-\d+)?[ \t]?h(?:ours?|rs?)?|q\.?[ \t]?(?:a\.?m|p\.?m|day|week|"
              r"morning|evening|night))")
_FORM = (r"(?:nasal|oral|topical|ophthalmic|otic|inhaled|sublingual|transdermal|intravenous|"
         r"subcutaneous|intramuscular|vaginal|rectal|p\.?o|cream|ointment|lotion|gel|solution|"
         r"suspension|syrup|elixir|spray|drops|tablets?|capsules?|inhaler|patch(?:es)?|"
         r"injections?|infusion|shampoo|cleanser|powder|suppositor(?:y|ies)|lozenges?)")
_USE_AFTER = re.compile(
    rf"{_SUFFIX_BETWEEN}(?:,?[ \t]*{_AMOUNT}){{0,2}}[ \t]+(?:{_COUNT}|{_FREQUENCY}|{_FORM})"
    rf"(?![A-Za-z])"
    r"|[ \t]+\d+(?:-\d+)?[ \t]*(?:minutes|min|seconds|reps|repetitions)\b"
    r"|(?:(?<=['’]s)|['’]s)[ \t]+(?i:breathing|respirations?|diet)\b"
    # a device or product by what it is ("Aquaflow bed", "Renalin supplement", "a Vasoport
    # placed"), a lab by its value ("Trop 1.9")
    r"|[ \t]+(?i:cath|catheter|placement|hugger|bed|mattress|supplement|boots)\b"
    r"|[ \t]+\d+\.\d+(?![\d./])")
_TAKEN = frozenset({"taking", "takes", "take", "took", "trial of", "course of", "dose of",
                    "started", "restarted", "prescribed", "tried", "using", "used", "uses",
                    "continue", "continues", "continued", "discontinued", "stopped",
                    "switched to", "drinking", "applying", "applied"})
_TAKEN_OBJECT = frozenset({"on", "with", "her", "his", "the", "a", "an", "some"})
# Whose something is, or who is put on a drug: no drug's place ("started Ibarra on …").
_OWNER_OR_PATIENT = re.compile(r"['’]s\b|[ \t]+on[ \t]")
# One item of a list: "Lotensin, Lopid, metoprolol, and Darvocet", "Accutane and Ovcon".
_LINKS = frozenset({"and", "or", "&"})
_ITEM_AFTER = re.compile(r"(?:,[ \t]*(?:and[ \t]+)?|[ \t]+(?:and|or|&)[ \t]+)"
                         r"(?P<w>[A-Za-z][a-z]+)\b")


class NameRecognizer:
    name = "names"

    def __init__(self, lexicons: Lexicons | None = None, words: WordJudge | None = None
                 ) -> None:
        self.lex = lexicons or load()
        self.words = words or judge(self.lex)
        self.cued = CuedNames(self.lex, self.words)
        # kept for the notes after, as the same words come note after note (at most
        # _VERDICTS each): the unknown-word rule's verdict by (word, at a sentence start),
        # and the names in a run of capitalised words by the run (None where not its own)
        self._verdicts = functools.lru_cache(maxsize=_VERDICTS)(self._verdict)
        self._runs = functools.lru_cache(maxsize=_VERDICTS)(self._in_sequence)

    def is_weak(self, word: str) -> bool:
        """A word that may be ordinary English, clinical or institutional vocabulary."""
        return self.words.is_weak(word)

    def department(self, words: list[str]) -> bool:
        """A unit of a hospital, not its name: everyday or clinical words with the
        institution's ("Urology Clinic", "Intensive Care Unit", "Emergency Department") — but
        "General Hospital" and "Children's Hospital" are names made of institution words."""
        plains = [folded_word(w).rstrip(".,").removesuffix("'s") for w in words]
        if all(p in INSTITUTION_WORDS for p in plains) or not LEGAL_FORMS.isdisjoint(plains):
            return False  # "Microbilt Corporation" is a firm, no unit of a hospital
        return all(p in INSTITUTION_WORDS or self._unit_word(p, w)
                   for p, w in zip(plains, words, strict=True))

    def _unit_word(self, plain: str, word: str) -> bool:
        """A clinical or everyday word that names no one and no place ("Urology", "Pain")."""
        if (self.lex.named(plain) or plain in self.lex.places or plain in self.lex.state_names
                or word.isupper()):
            return False  # "Texas Health Hospital" is named after a state
        return plain in self.lex.clinical_words or self._sentence_word(word)

    def _opens_sentence(self, word: str, gap: str = " ") -> bool:
        """After "X." a word that is no name and ordinary English starts a new sentence; so
        does any known word on no name list after "X." and two spaces ("Dr. X.  Reportedly")."""
        plain = folded_word(word).rstrip(".,")
        if len(gap) > 1 and not self.lex.named(plain) and self.lex.known(plain):
            return True
        return self._sentence_word(word) or (
            not self.lex.named(plain) and self.lex.english_rank.get(plain, RARE_RANK) < RARE_RANK)

    def _sentence_word(self, word: str) -> bool:
        """A word that opens sentences rather than names people ("She", "The", "Under")."""
        plain = folded_word(word).rstrip(".,")
        rank = self.lex.english_rank.get(plain, RARE_RANK)
        return self._ordinary(word) or rank < FUNCTION_RANK or (
            rank < COMMON_RANK and not self.lex.named(plain))

    def _ordinary(self, word: str) -> bool:
        """Weak, or a word of the clinical vocabulary, or built like a medical word."""
        plain = folded_word(word).rstrip(".,")
        return self.is_weak(word) or (not self.lex.named(plain) and (
            plain in self.lex.vocabulary or MEDICAL_SHAPE.fullmatch(plain) is not None))

    def _not_name(self, word: str) -> bool:
        """Trailing words a context match must not keep: credentials, institutions."""
        w = folded_word(word).rstrip(".,")
        return bool(_CREDENTIAL_WORD.fullmatch(word)) or w in INSTITUTION_WORDS or (
            self.lex.english_rank.get(w, RARE_RANK) < _JOINING_RANK and not self.lex.named(w))

    def _trim(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """Drop trailing non-name words ("Dr. Okafor, MD" → "Okafor")."""
        words = list(NON_SPACE.finditer(text[start:end]))
        while len(words) > 1 and (self._not_name(words[-1].group(0)) or (
                words[-2].group(0).endswith(".") and self._opens_sentence(
                    words[-1].group(0), text[start + words[-2].end():start + words[-1].start()]))):
            words.pop()  # "Dr. X. She said": the sentence ended after the initial
        if not words:
            return None
        last = words[-1]
        return start, start + last.end() - (1 if last.group(0).endswith(",") else 0)

    def _caps_name(self, text: str, span: tuple[int, int]) -> tuple[int, int] | None:
        """The words of a name in capitals after a label, those with a name's evidence
        ("PATIENT: JOHN SMITH"; not "NP- DROPPING TO HIGH", "PT - EXPLAINING COURSE")."""
        end = None
        for word in _NON_SPACE_OR_COMMA.finditer(text[span[0]:span[1]]):
            if not self.words.evidence(plain(word.group(0))):
                break
            end = span[0] + word.end()
        return None if end is None else (span[0], end)

    def analyze(self, text: str) -> Iterator[Detection]:
        folded = fold(text)  # for the cue words of each rule
        given_to = list(finditer(_GIVEN_TO, text, folded))  # its own rule and _GIVER's gate
        for regex, score, source in ((_TITLED, 0.95, "title"), (_LABELLED, 0.95, "label"),
                                     (_CARE, 0.85, "care"), (_SPOKEN, 0.8, "spoken"),
                                     (_KIN, 0.8, "spoken"), (_GIVEN_TO, 0.8, "spoken"),
                                     (_GIVER, 0.8, "spoken"), (_INTRODUCED, 0.8, "introduced"),
                                     (_CREDENTIALED, 0.95, "credential")):
            if regex is _GIVER and not given_to:
                continue  # the giver stands before a verb of giving: none, no giver
            if regex is _CREDENTIALED and not any(map(text.__contains__, _CREDENTIAL_MARKS)):
                continue  # no credential written: no name before one
            for m in given_to if regex is _GIVEN_TO else finditer(regex, text, folded):
                span = self._trim(text, *m.span("n"))
                if span is not None and source == "label" and text[span[0]:span[1]].isupper():
                    span = self._caps_name(text, span)
                if span is None:
                    continue
                words = text[span[0]:span[1]].split()
                if _TITLE_ONLY.fullmatch(words[0]) and len(words) == 1:
                    continue  # "seen by Dr." with the name on the next line
                # after a label asking for a name, a surname that is also a word is one
                # ("Last name: Black"); after any other label it is not ("Patient: White")
                asked = source == "label" and "name" in text[m.start():span[0]].lower()
                if source in ("care", "label") and all(self._sentence_word(w) and not (
                        asked and self.lex.named(folded_word(w).rstrip(".,"))) for w in words):
                    continue  # "Patient: Alert", "Patient: Yes", "treated with Fludrocortisone"
                first = folded_word(words[0])
                if source == "introduced" and not (self.lex.given(first) and (
                        len(words) > 1 or not (self._sentence_word(words[0])
                                               or first in self.lex.english_rank))):
                    continue  # "I am Fine", "I am Cuban", "This is Cardiology": no first name
                if source in ("spoken", "introduced") and all(
                        self._sentence_word(w) and not self.lex.named(
                        folded_word(w).rstrip(".,")) for w in words):
                    continue  # "she said Yes", "called Cardiology" — but "says Wood"
                yield Detection(PhiType.NAME, span[0], span[1], score, f"names.{source}")
        yield from self.cued.analyze(text)
        yield from self._quoted(text)
        yield from self._vocative(text)
        yield from self._lexicon(text)
        yield from self._unknown(text)
        yield from self._lower_case(text)
        yield from self._possessive(text)
        yield from self._subject(text)
        for m in finditer(_TITLED_INITIAL, text, folded):
            yield Detection(PhiType.NAME, m.start("n"), m.end("n"), 0.85, "names.title")

    def _quoted(self, text: str) -> Iterator[Detection]:
        """Who spoke a quotation: any word but an everyday or clinical one."""
        for m in _QUOTED.finditer(text) if any(map(text.__contains__, _QUOTES)) else ():
            group = "n" if m.group("n") else "m"
            words = list(NON_SPACE.finditer(m.group(group)))
            while words and self._everyday(words[0].group(0)):
                words.pop(0)  # '," Then Okafor said'
            if words and not any(self._everyday(w.group(0)) for w in words):
                start = m.start(group)
                yield Detection(PhiType.NAME, start + words[0].start(), start + words[-1].end(),
                                0.8, "names.spoken")

    def _everyday(self, word: str) -> bool:
        """An everyday, common or clinical word that is on no name list ("The", "Pain")."""
        plain = folded_word(word).rstrip(".,")
        return not self.lex.named(plain) and (
            self.lex.english_rank.get(plain, RARE_RANK) < COMMON_RANK or self.is_weak(plain))

    def _vocative(self, text: str) -> Iterator[Detection]:
        """A given name spoken to. After a question or an exclamation, a greeting, or before
        a request it may be an everyday word ("Mark!", "Hope, can you…"); before a full stop
        or a comma only a name that is no common or clinical word ("…, Brian.") — and after
        a comma never a place ("Richmond, Virginia?"). So too the given name that labels a
        quoted line of a transcript ('Rose: "…"'; not 'Mother: "…"')."""
        for m in _VOCATIVE.finditer(text):
            group = "start" if m.group("start") else "end"
            if self.words.spoken_to(m.group(group), *vocative_shape(m)):
                yield Detection(PhiType.NAME, m.start(group), m.end(group), 0.8, "names.spoken")
        # a speaker's label is a given name or a role
        for m in _SPEAKER.finditer(text) if ":" in text else ():
            if self.words.spoken_to(m.group("n"), False, ""):
                yield Detection(PhiType.NAME, m.start("n"), m.end("n"), 0.8, "names.spoken")

    def _subject(self, text: str) -> Iterator[Detection]:
        """At a sentence start, where a capital says nothing, a rare given name followed by
        a verb (surnames are too often rare English words: "Supple was noted")."""
        for m in _SUBJECT.finditer(text):
            plain = folded_word(m.group("w"))
            if self.lex.given(plain) and plain not in self.lex.shorthand and (
                    self._rare_name(plain) or plain in self.lex.widely_given):
                yield Detection(PhiType.NAME, m.start("w"), m.end("w"), 0.65, "names.subject")

    def _possessive(self, text: str) -> Iterator[Detection]:
        """Someone's: a capitalised word on a name list before "'s", mid-sentence and no
        eponym ("Taylor's address", "Price's song"; not "Crohn's", "Bell's palsy")."""
        lex = self.lex
        for m in _POSSESSOR.finditer(text) if "'" in text or "’" in text else ():
            plain = folded_word(m.group("w"))
            # whose kin or things: no eponym has a son ("Kelly's kid" — though "Kelly clamp")
            kin = _KIN_AFTER.match(text, m.end()) is not None
            if (lex.named(plain) and (kin or plain not in lex.clinical_words)
                    and plain not in INSTITUTION_WORDS and not starts_sentence(text, m.start())):
                yield (Detection(PhiType.NAME, m.start(), m.end("w"), 0.8, "names.spoken") if kin
                       else Detection(PhiType.NAME, m.start(), m.end("w"), 0.65,
                                      "names.possessive"))

    def _lower_case(self, text: str) -> Iterator[Detection]:
        """Names typed in lower case: a given name that is no English word, then (after an
        initial, perhaps) a surname or a word no vocabulary knows ("eva kleist")."""
        lex = self.lex
        for m in _LOWER_PAIR.finditer(text):
            given, family = m.group("g"), m.group("f")
            if given in lex.given_names and given not in lex.shorthand and self.words.rare(
                    given) and self.words.rare(family) and (
                    family in lex.surnames or given not in lex.english_rank
                    or self.unfamiliar(family)):  # "olga krylova"
                yield Detection(PhiType.NAME, m.start(), m.end("f"), 0.65, "names.lower")

    def widen(self, text: str, det: Detection) -> Detection:
        """A name's span with its initial and generational suffix ("Jr."), without a
        possessive "'s". A title before it and a credential after it are no identifiers and
        stay out ("Dr. Okafor, MD" → "Okafor"): the surrogate keeps them as written, and a
        reader keeps the role ("Dr. [NAME]")."""
        if det.type is not PhiType.NAME:
            return det
        start, end = det.start, det.end
        if _POSSESSIVE.search(text, start, end):
            end -= 2
        initial = _INITIAL_AFTER.match(text, end)
        end = initial.end() if initial else end
        suffix = _GENERATION_AFTER.match(text, end)
        end = suffix.end() if suffix else end
        if (start, end) == (det.start, det.end):
            return det
        return Detection(det.type, start, end, det.score, det.source)

    def neighbours(self, text: str, found: list[Detection]) -> Iterator[Detection]:
        """A capitalised word right beside a found name, rare in English and no clinical or
        common word, is part of that name ("Tilly" + "Nicholson", "Philippe" + "Guernon")."""
        for det in found:
            if det.type is not PhiType.NAME or det.score < 0.6:
                continue
            before = _WORD_BEFORE.search(text, max(0, det.start - 40), det.start)
            after = _WORD_AFTER.match(text, det.end)
            unknown = det.source == "names.unknown" and det.score >= 0.7
            for m in (before, after):
                if m is not None and (self._neighbour(m.group("w")) or (
                        m.group("link") and self._coordinated(m.group("w"), m.group("link")))
                        or (m is before and unknown and not m.group("link")
                            and self._given_before(m.group("w")))):
                    yield Detection(PhiType.NAME, m.start("w"), m.end("w"), 0.65,
                                    "names.neighbour")

    def _given_before(self, word: str) -> bool:
        """Before a surname no vocabulary knows, a given name even if it is an everyday word
        ("Parker Suknović", "Rose Szczepanik") — but no month, function or clinical word."""
        plain = folded_word(word)
        return (plain in self.lex.given_names and plain not in CALENDAR
                and plain not in self.lex.clinical_words and plain not in ADDRESS_WORDS
                and self.lex.english_rank.get(plain, RARE_RANK) >= FUNCTION_RANK)

    def _coordinated(self, word: str, link: str) -> bool:
        """Beside a name across "and", a comma or an initial ("Marrero and Murphy", "Brad L
        Key"), any word on a name list, or known to no vocabulary, is a name too — across an
        initial even one built like a drug's name ("Alvir D. Pušaver")."""
        plain = folded_word(word).removesuffix("'s")
        if plain in self.lex.state_names or plain in ROLE_WORDS:
            return False
        if _INITIAL_LINK.fullmatch(link):
            return self.lex.named(plain) or not (
                self.lex.known(plain) or plain in self.lex.clinical_words)
        return self.lex.named(plain) or (
            plain not in self.lex.clinical_words and self.unfamiliar(plain))

    def _neighbour(self, word: str) -> bool:
        plain = folded_word(word).removesuffix("'s")
        lex = self.lex
        rank = lex.english_rank.get(plain, NEIGHBOUR_RANK)
        if (self.is_weak(plain) or plain in lex.state_names or plain in lex.clinical_words
                or plain in ROLE_WORDS):
            return False
        if lex.named(plain):  # "Mikayla Bowman": a surname beside a name is that name's
            return rank >= COMMON_RANK
        return (plain not in lex.vocabulary and MEDICAL_SHAPE.fullmatch(plain) is None
                and rank >= NEIGHBOUR_RANK)

    def _namelike(self, word: str) -> bool:
        plain = folded_word(word).rstrip(".").removesuffix("'s")
        return (len(plain) == 1 or self.lex.named(plain)
                or not self.is_weak(word))

    def _lexicon(self, text: str) -> Iterator[Detection]:
        lex = self.lex
        for m in _SEQUENCE.finditer(text):
            found = self._runs(m.group(0))
            if found is None:  # its judgement looks around it: judged here
                found = self._in_sequence(m.group(0), text, m.start())
            for start, end, score, source in found or ():
                yield Detection(PhiType.NAME, m.start() + start, m.start() + end, score, source)
        for m in _INVERTED.finditer(text) if "," in text else ():
            surname = m.group("s").lower()
            if (surname in lex.surnames and surname not in ROLE_WORDS
                    and lex.given(m.group("g").lower())
                    and not self.is_weak(m.group("s")) and not self.is_weak(m.group("g"))):
                yield Detection(PhiType.NAME, m.start(), m.end(), 0.8, "names.inverted")


    def _in_sequence(self, sequence: str, text: str | None = None, at: int = 0
                     ) -> tuple[tuple[int, int, float, str], ...] | None:
        """The names in a run of capitalised words, as (start, end, score, source) within
        it. Two everyday name words are judged by the text around them (_plain_pair: the run
        stands in ``text`` at ``at``); without the text, None where that is asked, as the
        verdict is then not the run's own."""
        lex = self.lex
        words = [(w.start(), w.group(0)) for w in NON_SPACE.finditer(sequence)]
        found: list[tuple[int, int, float, str]] = []
        i = 0
        while i < len(words):
            start, word = words[i]
            plain = folded_word(word).rstrip(".").removesuffix("'s")
            if plain in ROLE_WORDS:  # "Son David", "Drs Ferullo": the cue, not the name
                i += 1
                continue
            j = i + 1
            nxt = words[i + 1][1] if i + 1 < len(words) else ""
            initial_next = _INITIAL.fullmatch(nxt) is not None
            if lex.given(plain) and (not self.is_weak(word) or initial_next or (
                    folded_word(nxt).removesuffix("'s") in lex.surnames
                    and not self.is_weak(nxt))):
                while j < len(words) and self._namelike(words[j][1]):
                    j += 1
            elif i == 0 and len(words) == 2 and self._pair_words(word, nxt) and (
                    text is None or self._plain_pair(text, at + start, word, nxt)):
                if text is None:
                    return None
                j += 1  # "disorder, Jack Taylor, who": two everyday name words
            elif plain in lex.surnames and initial_next:  # "Smith J."
                j = i + 2
            if j - i >= 2:  # a given name and what follows it: "Mary Poppins", "Anna S."
                found.append((start, words[j - 1][0] + len(words[j - 1][1]), 0.85,
                              "names.lexicon"))
            elif (not self.is_weak(word) and plain in lex.given_names
                  and plain not in lex.shorthand):  # "Aline placed", "Echo revealed"
                # A lone common surname is too often an ordinary word ("Body Weight");
                # a given name that is no common word is a name ("Kevin had given...").
                found.append((start, start + len(word), 0.6, "names.given"))
            i = j
        return tuple(found)

    def _pair_words(self, given: str, surname: str) -> bool:
        """A given name and a surname, both everyday words ("Jack Taylor", "Bill Baker"),
        that may be a name: no function, clinical, institutional, calendar or place word."""
        g, s = folded_word(given), folded_word(surname).removesuffix("'s")
        lex = self.lex
        return lex.given(g) and s in lex.surnames and lex.english_rank.get(
            g, RARE_RANK) >= FUNCTION_RANK and not any(
            w in lex.clinical_words or w in INSTITUTION_WORDS or w in CALENDAR
            or w in _PLACE_WORDS for w in (g, s))

    def _plain_pair(self, text: str, start: int, given: str, surname: str) -> bool:
        """Such a pair (_pair_words) is a name inside a sentence, alone as its capitalised
        words, and not before an institution's or a street's word ("Grace Hospital", "Rose
        Street" are not)."""
        end = start + len(given) + 1 + len(surname)
        if starts_sentence(text, start) and not _VERB_AFTER.match(text, end):
            return False  # at a sentence start only as the subject: "Jack Taylor was seen"
        after = _WORD_AFTER.match(text, end)
        return not (after and folded_word(after.group("w")) in _PLACE_WORDS)

    def clinical_place(self, text: str, start: int, end: int) -> bool:
        """A word guessed a name that stands where drugs, products and eponyms stand: a
        measured dose after it, a route or a structure "of" it before it; and, for a word
        on no name list (or a given name that is also a drug's), its count, form or
        frequency after it, or being taken, tried or listed beside a drug."""
        # the three words before it on its line, lower case ("the white line of")
        before = text[max(0, start - 30):start].rpartition("\n")[2].lower().split()[-3:]
        last = before[-1] if before else ""
        if _DOSE_AFTER.match(text, end) or _DOSE_BEFORE.search(text, max(0, start - 16), start) or (
                last in _ROUTES) or (
                last == "of" and len(before) > 1 and before[-2] in _STRUCTURES):
            return True
        plain = folded_word(text[start:end]).removesuffix("'s")
        if self.lex.named(plain) and not self._drug_name(plain):
            return False
        if _USE_AFTER.match(text, end):
            return True
        if _OWNER_OR_PATIENT.match(text, end) or text[start:end].endswith(("'s", "’s")):
            return False  # "using Nowak's phone", "started Ibarra on metformin": people
        verb = before[:-1] if last in _TAKEN_OBJECT else before  # "started on", "taking the"
        if verb and (verb[-1] in _TAKEN or " ".join(verb[-2:]) in _TAKEN):
            return True
        after = _ITEM_AFTER.match(text, end)
        if after is not None and self._drug_name(after.group("w").lower()):
            return True
        # "Lopid, metoprolol, and Darvocet": the item before the comma, or before "and"
        item = before[-2] if last in _LINKS and len(before) > 1 else last
        word = item.rstrip(",")
        return (item.endswith(",") or last in _LINKS) and word.isalpha() and (
            self._drug_name(word))

    def _drug_name(self, plain: str) -> bool:
        """A word of the drug and disease vocabulary that is no English word and no surname
        ("metoprolol", "Accutane", "Allegra" — not "Jones", "Fleet")."""
        lex = self.lex
        return ((plain in lex.vocabulary or plain in lex.clinical_words)
                and plain not in lex.english_rank and plain not in lex.common_words
                and plain not in lex.surnames)

    def unfamiliar(self, plain: str) -> bool:
        """Known to no vocabulary (WordJudge.unfamiliar)."""
        return self.words.unfamiliar(plain)

    def _rare_name(self, plain: str) -> bool:
        """On a Census name list, rare as an English word, and no clinical word ("Jensen")."""
        lex = self.lex
        return ((plain in lex.surnames or plain in lex.given_names)
                and lex.english_rank.get(plain, RARE_RANK) >= RARE_RANK
                and plain not in lex.vocabulary and plain not in lex.common_words
                and plain not in lex.clinical_words and plain not in lex.shorthand)

    def _unknown(self, text: str) -> Iterator[Detection]:
        """Capitalised words no vocabulary knows ("Szöllösy", "Verdafero") are names, places or
        organisations; so are rare words on the name lists away from a sentence start. Two
        unknown words side by side are one name ("Lopie Certusi"), judged whole."""
        last: Detection | None = None
        for det in self._unknown_words(text):
            if last is not None and det.score == last.score == _UNKNOWN and (
                    det.type is last.type is PhiType.NAME) and (
                    _NAME_GAP.fullmatch(text, last.end, det.start)):
                last = Detection(PhiType.NAME, last.start, det.end, _UNKNOWN, last.source)
                continue
            if last is not None:
                yield last
            last = det
        if last is not None:
            yield last

    def _unknown_words(self, text: str) -> Iterator[Detection]:
        for m in (_ANY_WORD if _JOINED.search(text) else _UNLESS_SMALL).finditer(text):
            word = m.group(0)
            if not word[0].isupper() or len(word) < 2:
                continue
            # (at a sentence start, where a capital says nothing)
            kind, score = self._verdicts(word, starts_sentence(text, m.start()))
            if score is not None:
                yield Detection(kind, m.start(), m.end(), score, "names.unknown")

    def _verdict(self, word: str, opens: bool) -> tuple[PhiType, float | None]:
        """What the unknown-word rule makes of a capitalised word, at a sentence start or
        not: its type and score, or no score (kept: _verdicts)."""
        if _ABBREVIATION.fullmatch(word) or ("-" in word and self.lex.known(folded_word(word))):
            return PhiType.NAME, None  # "Non-contributory", "Anti-inflammatory": known whole
        parts = [p for p in _WORD_JOINS.split(folded_word(word))
                 if len(p) > 1 and p not in _WORD_PREFIXES]  # "V-Tach": no initial
        # Words in capitals are headings and abbreviations ("NEUROLOGIC", "PERRLA")
        # unless a name list holds them.
        if not word.isupper() and any(self.unfamiliar(p) and not (
                (opens and self.words.slip(p)) or self.words.misspelt(p, clinical=True)
                or self.words.near_clinical(p))
                for p in parts):
            score = _UNKNOWN
        elif (len(word) > 4 or not word.isupper()) and any(
                self._rare_name(p) for p in parts) and not opens:
            score = 0.65
        else:
            return PhiType.NAME, None
        kind = PhiType.LOCATION if (
            folded_word(word) in self.lex.places and not any(
                self.lex.named(p) for p in parts)
        ) else PhiType.NAME
        return kind, score


def vocative_shape(m: re.Match[str]) -> tuple[bool, str]:
    """Whether a vocative match found its name only after a comma (no greeting before it,
    no request after it), and the mark that follows the name."""
    after_comma = not m.group("start") and not m.group("g").strip(", \t")
    return after_comma, m.group("p") or ""


# What makes capitalised name words a place's or an institution's name: "Grace Hospital",
# "Rose Street".
_PLACE_WORDS = INSTITUTION_WORDS | {
    "street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "drive", "way", "boulevard",
    "blvd", "court", "place", "school", "park", "church", "hall", "house", "hill", "river"}
