"""The top frames of a py-spy profile in its raw (collapsed stacks) format, as `bench.invite_flow --profile-dir`
records them: by own samples (where the time goes) and by inclusive samples (what the time is spent under).

    .venv/bin/python -m bench.profile_top PROFILE.txt [--top 15] [--under services,gateway]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def top_frames(
    path: Path, top: int, under: tuple[str, ...] = ()
) -> tuple[int, list[tuple[str, int]], list[tuple[str, int]]]:
    """(total samples, [(frame, own samples)], [(frame, inclusive samples)]); `under` keeps, for the inclusive
    list, only frames whose text names one of these (e.g. our own packages)."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame for frame in stack.split(";") if frame]
        total += count
        if frames:
            own[frames[-1]] += count
        for frame in set(frames):
            if not under or any(name in frame for name in under):
                inclusive[frame] += count
    return total, own.most_common(top), inclusive.most_common(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--under", default="services/,gateway/", help="comma-separated; for the inclusive list")
    args = parser.parse_args()
    under = tuple(name for name in args.under.split(",") if name)
    total, own, inclusive = top_frames(args.profile, args.top, under)
    print(f"{args.profile}: {total} samples")
    print("own samples:")
    for frame, count in own:
        print(f"  {100 * count / total:5.1f}%  {frame}")
    print(f"inclusive samples (frames under {', '.join(under)}):")
    for frame, count in inclusive:
        print(f"  {100 * count / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
