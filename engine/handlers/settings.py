"""Settings and the site lexicon they name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine import protocol as p
from engine.errors import PermissionDenied
from engine.handlers.scrubbing import site_lexicon_of
from engine.store import settings as store_settings

if TYPE_CHECKING:
    from engine.service import EngineService


def get_settings(engine: EngineService, _req: p.GetSettings) -> p.SettingsInfo:
    with engine.session().read() as conn:
        return store_settings.info(conn)


def get_site_lexicon(engine: EngineService, _req: p.GetSiteLexicon) -> p.SiteLexiconInfo:
    site = site_lexicon_of(engine.session().store)
    if site is None:
        return p.SiteLexiconInfo(0, 0, 0)
    return p.SiteLexiconInfo(len(site), site.listed, len(site) - site.listed)


def put_setting(engine: EngineService, req: p.PutSetting) -> None:
    session = engine.require(p.Permission.SETTINGS_WRITE, "setting", req.key)
    try:
        with session.audited("settings.change", "setting", req.key,
                             request_data={"value": req.value}) as conn:
            store_settings.put(conn, req.key, req.value)
    except PermissionDenied as exc:  # fixed by the machine policy
        session.audit_denied("settings.change", "setting", req.key, exc)
        raise
    if req.key == "retention.days":
        engine.sweep_soon()  # a shorter retention applies now, not in an hour


HANDLERS = {p.GetSettings: get_settings, p.PutSetting: put_setting,
            p.GetSiteLexicon: get_site_lexicon}
