"""`make bench`: every benchmark in one run, each with its baselines measured in the same run, and one summary
under bench/results/ (git-ignored): `<UTC time>.md` (each bench's report) and `<UTC time>.json` (the figures of
the benches that write JSON), so two runs can be compared side by side.

    .venv/bin/python -m bench.summary [--quick]

`--quick` shortens every load (a smoke run, not figures to compare).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def benches(quick: bool, figures_dir: Path) -> list[tuple[str, list[str]]]:
    seconds = "4" if quick else "15"
    members = "5000" if quick else "100000"

    def out(name: str) -> list[str]:
        return ["--json-out", str(figures_dir / f"{name}.json")]

    return [
        ("invite_flow", ["--generator", "wrk", "--seconds", seconds, "--concurrency", "16", *out("invite_flow")]),
        (
            "invite_flow",
            [
                *("--generator", "python", "--requests", "100" if quick else "300", "--concurrency", "8"),
                *("--samples", "10", *out("invite_flow_python")),
            ],
        ),
        ("members_gateway", ["--members", members, "--connections", "64", "--seconds", seconds, *out("members")]),
        ("invite_cost", ["--invitations", "20" if quick else "50", *out("invite_cost")]),
        ("bulk_import", ["--members", "200" if quick else "1000", "--groups", "10", *out("bulk_import")]),
        ("members_list", ["--members", members, "--samples", "50" if quick else "200"]),
        ("sign_in", []),
        ("billing", []),
        ("sso", ["--responses", "20"]),
        ("check_access", []),
        ("sso_oidc", []),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    report = [f"# Tenantry benchmarks, {stamp}{' (quick)' if args.quick else ''}\n"]
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="tenantry-bench-figures-") as tmp:
        figures_dir = Path(tmp)
        for name, options in benches(args.quick, figures_dir):
            command = [sys.executable, "-m", f"bench.{name}", *options]
            print("$", " ".join(command[1:]), flush=True)
            completed = subprocess.run(command, capture_output=True, text=True, check=False)
            print(completed.stdout, flush=True)
            report.append(f"## {' '.join(command[2:])}\n\n```\n{completed.stdout.strip()}\n```\n")
            if completed.returncode != 0:
                report.append(f"Failed ({completed.returncode}):\n\n```\n{completed.stderr[-3000:]}\n```\n")
                print(completed.stderr[-3000:], file=sys.stderr)
        for path in sorted(figures_dir.glob("*.json")):
            figures[path.stem] = json.loads(path.read_text())
    (RESULTS / f"{stamp}.md").write_text("\n".join(report))
    (RESULTS / f"{stamp}.json").write_text(json.dumps(figures, indent=2))
    print(f"summary: {RESULTS / f'{stamp}.md'} and {RESULTS / f'{stamp}.json'}")


if __name__ == "__main__":
    main()
