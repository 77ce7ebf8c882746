"""The templates of a large document checked by forked children (aiblint.split): same findings, in the
same order, whatever happens to a child."""

from __future__ import annotations

import json
import os
import sys
import threading
import time

import pytest

from aiblint import split
from aiblint.document import Document
from aiblint.engine import lint
from aiblint.lsp.store import LAZY_SIZE
from lsputil import brief, diagnostics, open_doc, session
from test_lsp import expected

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")

RESOURCE = {
    "type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2022-07-01", "location": "westus2",
    "identity": {"type": "UserAssigned", "userAssignedIdentities": {
        "/subscriptions/0/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id": {}}},
    "properties": {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS",
                   "version": "latest"},
        "customize": [{"type": "Shell", "name": "one", "inline": ["sudo apt-get install nginx"]},
                      {"type": "Shell", "name": "one", "inline": ["echo hi"]}],
        "distribute": [{"type": "VHD", "runOutputName": "out"}, {"type": "VHD", "runOutputName": "out"}]}}


def many_templates(count: int) -> str:
    """An ARM template with ``count`` imageTemplates, each with its own problems in other places."""
    resources = []
    for i in range(count):
        r = json.loads(json.dumps(RESOURCE))
        r["name"] = f"image-{i}"
        r["location"] = ["westus2", "East US 3", "<region>", "westeurope"][i % 4]
        r["properties"]["buildTimeoutInMinutes"] = ["90", 90, 2000, 60][i % 4]
        resources.append(r)
    return json.dumps({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                       "contentVersion": "1.0.0.0", "resources": resources}, indent=2) + "\n"


@pytest.mark.parametrize("jobs", ["3", "1"])
def test_the_items_are_shared_out_and_the_results_keep_their_order(monkeypatch, jobs):
    monkeypatch.setenv("AIBLINT_JOBS", jobs)
    items = list(range(40))
    meanwhile = []

    def work(i):
        time.sleep(0.005)  # long enough for every process to take some
        return i * i, os.getpid()

    out = split.map_forked(work, items, meanwhile=lambda: meanwhile.append(os.getpid()))
    assert [value for value, _pid in out] == [i * i for i in items]
    pids = [pid for _value, pid in out]
    assert len(set(pids)) == int(jobs) and os.getpid() in pids
    assert meanwhile == [os.getpid()]  # once, in this process, with children or without


def test_items_of_uneven_cost_are_shared_so_that_the_processes_end_together(monkeypatch):
    monkeypatch.setenv("AIBLINT_JOBS", "2")
    parent = os.getpid()

    def work(i):
        time.sleep(0.06 if i == 0 else 0.004)
        return os.getpid()

    pids = split.map_forked(work, list(range(40)))
    assert len(set(pids)) == 2 and parent in pids
    # Whoever took the slow first item took fewer of the others: the processes took about as long.
    slow, other = pids[0], next(p for p in pids if p != pids[0])
    assert pids.count(slow) < pids.count(other)


def test_a_child_that_dies_costs_only_time(monkeypatch):
    monkeypatch.setenv("AIBLINT_JOBS", "3")
    parent = os.getpid()

    def work(i):
        if os.getpid() != parent and i % 5 == 0:
            os._exit(9)  # a child dies with the results it has, as a crash in a native library would end it
        time.sleep(0.002)
        return i + 1, os.getpid()

    out = split.map_forked(work, list(range(40)))
    assert [value for value, _pid in out] == list(range(1, 41))
    assert all(pid == parent for _value, pid in out[::5])  # what the children died on was checked here


def test_the_children_are_waited_for_when_this_process_fails(monkeypatch):
    monkeypatch.setenv("AIBLINT_JOBS", "2")
    parent = os.getpid()

    def work(i):
        time.sleep(0.002)
        if os.getpid() == parent and i > 4:
            raise ValueError("boom")
        return i

    started = []
    fork = split._fork

    def recording_fork(*args):
        child = fork(*args)
        started.append(child[0])
        return child

    monkeypatch.setattr(split, "_fork", recording_fork)
    with pytest.raises(ValueError):
        split.map_forked(work, list(range(40)))
    assert len(started) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(started[0], os.WNOHANG)  # already waited for: no zombie left behind


def test_a_pipe_too_small_for_the_tickets_means_no_children(monkeypatch):
    import fcntl

    monkeypatch.setenv("AIBLINT_JOBS", "2")
    monkeypatch.setattr(split, "MAX_TICKETS", 4096)
    pipe = os.pipe

    def small_pipe():
        read_fd, write_fd = pipe()
        fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, 4096)  # one page, as Linux gives a user over its limit
        return read_fd, write_fd

    monkeypatch.setattr(split.os, "pipe", small_pipe)
    items = list(range(2000))  # 8,000 bytes of tickets
    assert split._tickets(len(items)) is None
    out = split.map_forked(lambda i: (i, os.getpid()), items)
    assert [i for i, _pid in out] == items and {pid for _i, pid in out} == {os.getpid()}


def test_no_fork_possible_means_this_process_alone_and_no_descriptor_left_open(monkeypatch):
    monkeypatch.setenv("AIBLINT_JOBS", "3")

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")  # as at the process limit

    monkeypatch.setattr(split.os, "fork", no_fork)
    before = len(os.listdir("/proc/self/fd"))
    out = split.map_forked(lambda i: (i, os.getpid()), list(range(40)))
    assert [i for i, _pid in out] == list(range(40)) and {pid for _i, pid in out} == {os.getpid()}
    assert len(os.listdir("/proc/self/fd")) == before


def test_more_items_than_tickets_are_taken_in_chunks(monkeypatch):
    monkeypatch.setenv("AIBLINT_JOBS", "2")
    monkeypatch.setattr(split, "MAX_TICKETS", 7)
    items = list(range(100))
    assert split.map_forked(lambda i: -i, items) == [-i for i in items]


def test_few_templates_a_running_thread_or_one_job_check_in_this_process(monkeypatch):
    monkeypatch.delenv("AIBLINT_JOBS", raising=False)
    assert split.parts_for(split.MIN_TEMPLATES - 1) == 1
    monkeypatch.setenv("AIBLINT_JOBS", "1")
    assert split.parts_for(1000) == 1
    monkeypatch.setenv("AIBLINT_JOBS", "16")
    assert split.parts_for(1000) == split.MAX_PARTS
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert split.parts_for(1000) == 1  # forking beside a running thread is not safe
    finally:
        stop.set()
        thread.join()


def test_the_engine_finds_the_same_with_the_templates_split(monkeypatch):
    monkeypatch.setenv("AIBLINT_JOBS", "3")
    text = many_templates(40)
    serial = lint(Document(text, "many.json"))
    forked = lint(Document(text, "many.json"), split=True)
    assert len(serial.diagnostics) > 100
    assert [(d.code, d.span, d.message, d.severity, d.related, d.fixes) for d in forked.diagnostics] == \
        [(d.code, d.span, d.message, d.severity, d.related, d.fixes) for d in serial.diagnostics]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("preset, count", [("visual-studio-code", 40), ("neovim", 40), ("neovim", 250)])
async def test_the_first_check_of_a_large_file_in_the_editor_splits_and_finds_the_same(preset, count):
    """With 250 templates (over 256 KB) each process also builds only the values of its share (lazy)."""
    text = many_templates(count)
    assert (len(text) >= LAZY_SIZE) == (count == 250)
    env = {**os.environ, "AIBLINT_JOBS": "2"}
    async with session(preset, env=env) as client:
        uri = "file:///tmp/aiblint-many.json"
        open_doc(client, uri, text)
        assert brief(await diagnostics(client, uri, 1)) == expected(text, "/tmp/aiblint-many.json")
