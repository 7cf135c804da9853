"""The settings schema: every entry takes its own default and refuses, by key and with what
is allowed (never the value), a value of the wrong type, outside its range or not among its
choices."""

from __future__ import annotations

import pytest

from engine import protocol as p
from engine.errors import ErrorCode, InvalidRequest

SPECS = list(p.SETTINGS_SCHEMA.values())
RANGED = [s for s in SPECS if s.minimum is not None]
CHOOSING = [s for s in SPECS if s.choices]


def _refusal(spec: p.SettingSpec, value: object) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as err:
        spec.check(value)
    assert err.value.code is ErrorCode.INVALID_REQUEST
    assert err.value.details["key"] == spec.key
    return err.value


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_an_entry_is_whole_and_takes_its_default(spec):
    spec.check(spec.default)
    assert spec.type in (int, str)  # the admin view has an editor for these
    assert spec.section in p.SETTING_SECTIONS
    assert spec.label and spec.help
    assert (spec.minimum is None) == (spec.maximum is None) == (spec.type is not int)
    assert not (spec.choices and spec.type is not str)


@pytest.mark.parametrize("spec", RANGED, ids=lambda s: s.key)
def test_a_number_outside_the_range_is_refused_naming_it(spec):
    spec.check(spec.minimum)
    spec.check(spec.maximum)
    for value in (spec.minimum - 1, spec.maximum + 1):
        error = _refusal(spec, value)
        assert error.details == {"key": spec.key, "minimum": spec.minimum,
                                 "maximum": spec.maximum}
        assert f"{spec.minimum:,}" in error.message and f"{spec.maximum:,}" in error.message


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_what_was_typed_stays_out_of_the_error(spec):
    typed = spec.maximum + 987_654_321 if spec.type is int else "Tavistrom 987654321"
    error = _refusal(spec, typed if spec.type is int or spec.choices else [typed])
    assert "987" not in error.message and "987" not in repr(error.details)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_a_value_of_another_type_is_refused(spec):
    others = [True, 1.5, None, [spec.default]] + (["12"] if spec.type is int else [12])
    for value in others:
        assert _refusal(spec, value).details == {"key": spec.key,
                                                 "type": spec.type.__name__}


@pytest.mark.parametrize("spec", CHOOSING, ids=lambda s: s.key)
def test_a_value_not_among_the_choices_is_refused_listing_them(spec):
    for choice in spec.choices:
        spec.check(choice)
    error = _refusal(spec, "Surrogate")  # a choice's label-like spelling is not the choice
    assert error.details == {"key": spec.key, "choices": list(spec.choices)}


def test_the_scrub_policies_are_the_protocol_s():
    choices = p.SETTINGS_SCHEMA["scrub.policy"].choices
    assert list(choices) == [policy.value for policy in p.ScrubPolicy]
    p.SETTINGS_SCHEMA["scrub.policy"].check(p.ScrubPolicy.REDACT)  # the enum is its value


def test_an_unknown_key_is_refused_by_name():
    with pytest.raises(InvalidRequest) as err:
        p.setting_spec("scrub.polcy")
    assert err.value.details == {"key": "scrub.polcy"}
    assert p.setting_spec("ocr.dpi") is p.SETTINGS_SCHEMA["ocr.dpi"]


@pytest.mark.parametrize("typed", ["eng deu", "eng,deu", "+eng", "eng+", "", "../eng"])
def test_an_ocr_language_tesseract_cannot_use_is_refused_when_saved(typed):
    """Not at the next document: a typo here would fail every scan from then on."""
    spec = p.SETTINGS_SCHEMA["ocr.lang"]
    for good in ("eng", "eng+deu", "chi_sim"):
        spec.check(good)
    error = _refusal(spec, typed)
    assert error.details == {"key": "ocr.lang"} and "joined by +" in error.message
