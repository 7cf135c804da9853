"""One engine per store, with real engine processes: a second engine (or an `hntai` command)
on a store in use is refused with STORE_BUSY and touches nothing; the first keeps serving;
once the holder is SIGKILLed the store is free for a new engine at once."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from engine import protocol as p
from engine.client import EngineClient
from engine.errors import STORE_BUSY_MESSAGE, StoreBusy
from engine.logs import LOG_FILE
from engine.store_lock import LOCK_FILE, read_holder

ADMIN, PASSWORD = "admin", "store lock pass 1"


def _log(data_dir: Path) -> list[dict]:
    return [json.loads(line) for line in
            (data_dir / "logs" / LOG_FILE).read_text().splitlines()]


def _wait_death(client: EngineClient) -> p.EngineRestarted:
    """The client's own notice that its engine died (it does not restart it)."""
    for event in client.events(timeout=120):
        if isinstance(event, p.EngineRestarted):
            return event
    raise AssertionError("the killed engine was never noticed")


def test_second_engine_is_refused_and_a_killed_holder_frees_the_store(tmp_path: Path):
    data_dir = tmp_path / "data"
    first = EngineClient(data_dir, auto_restart=False).start()
    try:
        first.request(p.InitStore(admin=ADMIN, password=PASSWORD))
        # Something of the first engine's in its private temporary folder: a second
        # engine that got as far as its start-up would empty that folder.
        marker = data_dir / "tmp" / "in-use-by-the-first-engine"
        marker.write_bytes(b"x")

        second = EngineClient(data_dir)
        with pytest.raises(StoreBusy) as refused:
            second.start()
        assert refused.value.message == STORE_BUSY_MESSAGE
        assert refused.value.details["holder_pid"] == first.pid
        assert second.pid is None and not second.alive()  # no second engine is running
        assert marker.exists()

        # The first engine keeps serving, logged in, with its store.
        status = first.request(p.GetStatus())
        assert status.unlocked and status.pid == first.pid
        assert first.request(p.ListJobs()) == []

        # Two engines' lines in one log, told apart by pid: the refused one wrote only its
        # refusal, naming the holder.
        lines = _log(data_dir)
        refusals = [e for e in lines if e["event"] == "store_busy"]
        assert len(refusals) == 1
        assert refusals[0]["pid"] != first.pid and refusals[0]["holder_pid"] == first.pid
        assert {e["pid"] for e in lines} == {first.pid, refusals[0]["pid"]}

        killed_pid = first.pid
        first.kill()  # SIGKILL: the engine gets no chance to let go of anything
        notice = _wait_death(first)
        assert notice.gave_up and "not restarted" in notice.reason
    finally:
        first.close()

    with EngineClient(data_dir) as third:  # the kernel dropped the dead holder's lock
        assert third.pid != killed_pid
        assert read_holder(data_dir).pid == third.pid
        user = third.request(p.Unlock(username=ADMIN, password=PASSWORD))
        assert user.username == ADMIN


def test_a_restarted_engine_takes_the_store_over_and_still_keeps_others_out(tmp_path: Path):
    data_dir = tmp_path / "data"
    with EngineClient(data_dir) as engine:
        engine.request(p.InitStore(admin=ADMIN, password=PASSWORD))
        dead = engine.pid
        engine.kill()
        restarted = _wait_death(engine)
        assert restarted.restarts == 1 and not restarted.gave_up and engine.pid != dead
        assert engine.request(p.GetStatus()).unlocked  # the login was replayed
        with pytest.raises(StoreBusy) as refused:
            EngineClient(data_dir).start()
        assert refused.value.details["holder_pid"] == engine.pid


def test_past_its_restart_limit_the_client_gives_up_and_says_so(tmp_path: Path):
    with EngineClient(tmp_path / "data", max_restarts=1) as engine:
        engine.kill()
        restarted = _wait_death(engine)
        assert restarted.restarts == 1 and not restarted.gave_up and engine.alive()
        engine.kill()
        last = _wait_death(engine)
        assert last.gave_up and last.restarts == 1 and not engine.alive()


def test_a_restart_refused_because_another_took_the_store_is_reported_not_retried(
        tmp_path: Path):
    data_dir = tmp_path / "data"
    with EngineClient(data_dir) as engine:
        engine.request(p.InitStore(admin=ADMIN, password=PASSWORD))
        # Another process waits for the store (a blocking flock: the kernel hands it the
        # lock the moment the engine dies, before the client's new engine can ask).
        fd = os.open(data_dir / LOCK_FILE, os.O_RDWR)
        waiter = threading.Thread(target=fcntl.flock, args=(fd, fcntl.LOCK_EX), daemon=True)
        waiter.start()
        try:
            engine.kill()
            notice = _wait_death(engine)
            assert notice.gave_up and "already open" in notice.reason
            assert engine.restarts == 1 and not engine.alive()  # one refused try, no loop
            waiter.join()  # it is the other process that holds the store now
        finally:
            os.close(fd)


def _hntai(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HNTAI_DATA_DIR": str(data_dir), "HNTAI_USER": ADMIN,
           "HNTAI_PASSWORD": PASSWORD}
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True,
                          text=True, env=env, timeout=600, stdin=subprocess.DEVNULL)


def test_cli_is_refused_while_an_engine_holds_the_store(tmp_path: Path):
    data_dir = tmp_path / "data"
    with EngineClient(data_dir) as desktop_engine:
        desktop_engine.request(p.InitStore(admin=ADMIN, password=PASSWORD))

        as_json = _hntai(data_dir, "status", "--json")
        assert as_json.returncode == 2 and as_json.stdout == ""
        assert json.loads(as_json.stderr) == {
            "error": {"code": "STORE_BUSY", "message": STORE_BUSY_MESSAGE}}

        as_text = _hntai(data_dir, "jobs")
        assert as_text.returncode == 2
        assert as_text.stderr.strip() == f"error: STORE_BUSY: {STORE_BUSY_MESSAGE}"

        assert desktop_engine.request(p.GetStatus()).unlocked  # undisturbed
    after = _hntai(data_dir, "jobs", "--json")  # the window closed: the command runs
    assert after.returncode == 0, after.stderr
