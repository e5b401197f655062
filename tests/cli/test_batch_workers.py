"""`make-report build … --jobs N --timeout SECONDS`: a unit that hangs, a worker that dies,
a parent that is killed or interrupted never costs the other units their results."""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from xxgk_report import batch

from ..conftest import FIXTURES, read_yaml

AGENCIES = {"a.yaml": "甲镇人民政府", "b.yaml": "乙镇人民政府", "c.yaml": "丙镇人民政府"}


@pytest.fixture
def units(tmp_path):
    """A folder of three good unit files."""
    folder = tmp_path / "units"
    folder.mkdir()
    base = read_yaml(FIXTURES / "checks-2023.yaml")
    for name, agency in AGENCIES.items():
        data = copy.deepcopy(base)
        data["agency"] = agency
        data["title"] = f"{agency}2023年政府信息公开工作年度报告"
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def _patch_one(monkeypatch, name: str, action) -> None:
    """In the workers (forked after this), `action()` instead of building the file `name`."""
    real, parent = batch._build_one, os.getpid()

    def build(source, *args):
        if source.name == name and os.getpid() != parent:
            action()
        return real(source, *args)
    monkeypatch.setattr(batch, "_build_one", build)


def _rows(stdout: str) -> list[list[str]]:
    return [line.split() for line in stdout.splitlines()[1:-1]]


def test_a_unit_that_hangs_fails_after_its_time_limit_and_the_others_are_built(run, tmp_path, units, monkeypatch):
    _patch_one(monkeypatch, "b.yaml", lambda: time.sleep(60))
    began = time.monotonic()
    result = run("build", units, "-o", "reports", "--jobs", "2", "--timeout", "2")
    assert time.monotonic() - began < 30  # not the 60 s the unit would take
    assert result.exit_code == 1
    assert _rows(result.stdout) == [
        [str(units / "a.yaml"), "甲镇人民政府", "正常", "reports/a.docx"],
        [str(units / "b.yaml"), "乙镇人民政府", "失败", "—"],
        [str(units / "c.yaml"), "丙镇人民政府", "正常", "reports/c.docx"],
    ]
    assert result.stdout.splitlines()[-1] == "共 3 个：正常 2，有警告 0，有错误 1。"
    assert f"{units / 'b.yaml'}：\n错误：处理超时（超过 2 秒），已停止这个文件\n" in result.stderr
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["a.docx", "c.docx"]


def test_a_worker_that_dies_fails_its_unit_only(run, tmp_path, units, monkeypatch):
    _patch_one(monkeypatch, "a.yaml", lambda: os.kill(os.getpid(), signal.SIGKILL))
    result = run("build", units, "-o", "reports", "--jobs", "2")
    assert result.exit_code == 1
    assert _rows(result.stdout) == [
        [str(units / "a.yaml"), "甲镇人民政府", "失败", "—"],
        [str(units / "b.yaml"), "乙镇人民政府", "正常", "reports/b.docx"],
        [str(units / "c.yaml"), "丙镇人民政府", "正常", "reports/c.docx"],
    ]
    assert (f"{units / 'a.yaml'}：\n错误：处理这个文件的进程意外退出（被信号 SIGKILL 终止），其他文件不受影响\n"
            in result.stderr)
    assert "BrokenProcessPool" not in result.stderr + result.stdout
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["b.docx", "c.docx"]


# --- a real parent process, killed or interrupted --------------------------------------------

SCRIPT = """
import os, sys, time
from pathlib import Path
from xxgk_report import batch, cli

real_build, real_many = batch._build_one, batch.build_many
quick = {quick!r}

def build(source, *args):
    if source.name != quick:
        time.sleep(60)
    return real_build(source, *args)

def build_many(pairs, *args, on_done=None, **options):
    def done(result):
        with open("finished.txt", "a", encoding="utf-8") as log:
            log.write(result.source.name + "\\n")
        if on_done:
            on_done(result)
    return real_many(pairs, *args, on_done=done, **options)

batch._build_one, batch.build_many = build, build_many
cli.main(["build", "units", "-o", "reports", "--jobs", "2"], prog_name="make-report")
"""

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")


def _start(tmp_path: Path, quick: str = "") -> subprocess.Popen:
    """The CLI in a process of its own; its output goes to files (no pipe a stray worker holds open)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    with open(tmp_path / "stdout.txt", "wb") as stdout, open(tmp_path / "stderr.txt", "wb") as stderr:
        return subprocess.Popen([sys.executable, "-c", textwrap.dedent(SCRIPT.format(quick=quick))], cwd=tmp_path,
                                env=env, stdout=stdout, stderr=stderr)


def _end(parent: subprocess.Popen, workers: set[int]) -> None:
    """After the test, whatever happened: no process of it is left."""
    for pid in [parent.pid, *workers]:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    parent.wait()


def _children(pid: int) -> set[int]:
    """The living processes whose parent is `pid`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
            if int(ppid) == pid and state != "Z":
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@linux_only
def test_workers_end_with_their_parent(tmp_path, units):
    parent, workers = _start(tmp_path), set()
    try:
        workers = _until(lambda: len(_children(parent.pid)) == 2 and _children(parent.pid), 20, "two workers")
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(5)
        _until(lambda: not any(_alive(pid) for pid in workers), 5, "the workers to end")
    finally:
        _end(parent, workers)


@linux_only
def test_ctrl_c_stops_cleanly_and_lists_what_was_written(tmp_path, units):
    parent, workers = _start(tmp_path, quick="a.yaml"), set()
    try:
        finished = tmp_path / "finished.txt"
        _until(lambda: finished.exists() and "a.yaml" in finished.read_text(encoding="utf-8"), 30, "a.yaml")
        workers = _children(parent.pid)
        assert len(workers) == 2  # both busy with a 60 s unit
        os.kill(parent.pid, signal.SIGINT)
        parent.wait(10)
    finally:
        _end(parent, workers)
    stdout, stderr = ((tmp_path / name).read_text(encoding="utf-8") for name in ("stdout.txt", "stderr.txt"))
    assert parent.returncode == 130
    assert "已中断：已完成 1 个文件，未完成 2 个。\n已生成：reports/a.docx\n" in stderr
    assert "Traceback" not in stderr and stdout == ""
    assert (tmp_path / "reports" / "a.docx").is_file()
    assert not any(_alive(pid) for pid in workers)
