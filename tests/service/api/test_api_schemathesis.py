"""schemathesis against a live server: property-based requests generated from the project's own OpenAPI schema
(/api/schema/), with a fixed seed, as three kinds of user (the office's admin, a unit's liaison, a leader), over
seeded data. Any server error, response that breaks the schema, undocumented status code or undocumented content
type fails the test. The run's summary is printed (``pytest -s``)."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from knox.models import AuthToken

from service_builders import month
from taizhang.service.ledger import services

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
SEED = 20261206
# (user, phases, test cases per operation in the fuzzing phase): random valid and invalid requests (~800 in all,
# about a minute), most for the admin, who may take every action; the others are refused most writes. With
# TAIZHANG_SCHEMATHESIS_FULL=1 the admin's run adds the coverage phase (every parameter's boundaries, every
# kind of wrong value, every unexpected method: ~1,400 more cases, two minutes more).
FULL = os.environ.get("TAIZHANG_SCHEMATHESIS_FULL") == "1"
RUNS = (("admin", "coverage,fuzzing" if FULL else "fuzzing", 12), ("liaison_a", "fuzzing", 8), ("leader", "fuzzing", 5))


def _schemathesis() -> str:
    exe = Path(sys.executable).with_name("schemathesis")
    if not exe.exists():
        pytest.fail(f"{exe} is missing: install the dev extras (bash scripts/setup.sh)")
    return str(exe)


@pytest.fixture
def seeded(people, import_plan, published, plan_text, evidence):
    """A published plan with a report and evidence, a claimed and a closed task, a pending deadline change, a
    draft plan; an API token for each user of :data:`RUNS`."""
    adm, la = people["admin"], people["liaison_a"]
    tasks = {t.key: t for t in published.tasks.all()}
    services.submit_progress(tasks["T1"], la, period=month(), text="已排查", percent=30, files=[evidence])
    services.request_deadline_change(tasks["T1"], la, new_date=tasks["T1"].due_date.replace(day=1), reason="提前")
    services.claim_completion(tasks["T3"], adm, text="网格已建立", files=[evidence])
    services.claim_completion(tasks["T2"], adm, text="已落实", files=[evidence])
    services.close_task(tasks["T2"], people["inspector"], note="核查通过")
    import_plan(text=plan_text + "（第二批）\n", name="plan2.txt")
    return {who: AuthToken.objects.create(user=people[who])[1] for who, _, _ in RUNS}


@pytest.mark.slow
def test_schemathesis_finds_nothing(live_server, seeded, tmp_path):
    exe, summaries, failed = _schemathesis(), [], []
    out_dir = Path(os.environ.get("TAIZHANG_SCHEMATHESIS_OUT") or tmp_path)
    logging.disable(logging.WARNING)  # the server's 4xx log lines; its errors (tracebacks) still show
    try:
        _run_all(exe, live_server, seeded, out_dir, summaries, failed)
    finally:
        logging.disable(logging.NOTSET)
    print("\n".join(summaries))
    assert not failed, "\n".join(failed)


def _run_all(exe, live_server, seeded, out_dir, summaries, failed):
    for who, phases, examples in RUNS:
        connections.close_all()  # the server's threads open their own connections
        cmd = [exe, "run", f"{live_server.url}/api/schema/", "--checks", CHECKS, "--seed", str(SEED),
               "--max-examples", str(examples), "--workers", "1", "--no-shrink", "--request-timeout", "30",
               "--header", f"Authorization: Token {seeded[who]}", "--phases", phases,
               "--suppress-health-check", "all", "--output-truncate", "false"]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env={**os.environ, "NO_COLOR": "1"},
                             cwd=out_dir)
        out = run.stdout + run.stderr
        (out_dir / f"schemathesis-{connections['default'].vendor}-{who}.txt").write_text(out)
        lines = out.splitlines()
        cases = next((lines[k + 1].strip() for k, ln in enumerate(lines[:-1]) if ln.startswith("Test cases:")), "?")
        found = [ln.strip() for ln in lines if re.match(r"\s+❌ ST\d+", ln)]
        summaries.append(f"schemathesis as {who} ({phases}): {cases}" + (f"; {'; '.join(found)}" if found else ""))
        if run.returncode != 0:
            failed.append(f"== {who} (exit {run.returncode})\n{out[-20000:]}")
