#!/usr/bin/python3
"""The corpus of return shapes (tests/data/shapes/): each file through the real
`tonghopd check` (real plugins, the source tree's config/), every figure
compared with FILE.expected.json, which make_corpus.py wrote with the file.

    corpus_test.py --tonghopd BIN --plugins-dir DIR --source SRC SHAPE...
    corpus_test.py --tonghopd BIN --plugins-dir DIR --source SRC --all
    corpus_test.py --source SRC --check-pending
    corpus_test.py --source SRC --reproduce     # the committed files are make_corpus.py's

A SHAPE is a file name in tests/data/shapes/ ("three-row-header.xlsx").
Exit 0: read as expected. 1: not (each difference listed). 77: a shape named
in tests/data/shapes/PENDING that is still not read right (CTest shows it as
skipped). A pending shape that passes FAILS: take it out of PENDING.

Compared, exactly:
- the verdict (accepted or refused, and the exit code that says it);
- accepted: every record in order: name, kind, sector (where the expected
  names one), rating (present exactly when the return carries ratings), the
  district and period, and its counts: the same fields with the same values,
  none more (a field the return does not carry is absent, never 0);
  the sums per field; the fields carried (the expected file's not_carried
  is checked to be the rest of the catalogue); no errors;
- refused: the errors, as a set of (code, sheet, row, column or path,
  field): each expected one named, nothing else named;
- the warnings, the same way, each with the texts its message must mention.
"""
import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib

SKIP = 77


def load_catalogue(source):
    with open(os.path.join(source, "config", "indicators.toml"), "rb") as f:
        fields = tomllib.load(f)["fields"]
    return [k for k, v in fields.items() if v.get("kind", "count") != "text"]


def read_pending(shapes_dir):
    pending = {}
    path = os.path.join(shapes_dir, "PENDING")
    if not os.path.exists(path):
        return pending
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, reason = line.partition(" ")
            pending[name] = reason.strip()
    return pending


PLACE = ("code", "sheet", "row", "column", "path", "field")


def describe(issue):
    where = issue.get("path") or "{}!{}{}".format(issue.get("sheet", ""), issue.get("column", ""), issue.get("row", ""))
    return f"{issue.get('code')} at {where}" + (f" ({issue['field']})" if issue.get("field") else "")


def same_place(expected, actual, loose_row):
    """Code, sheet, row, column or path, field: all equal (absent as absent).
    A warning whose expected form gives no row matches on any row (a column
    under a header of several rows may be named at any of them)."""
    for k in PLACE:
        if k == "row" and loose_row and "row" not in expected:
            continue
        if expected.get(k, "") != actual.get(k, ""):
            return False
    return True


def compare_issues(kind, expected, actual, problems):
    """Each expected issue matched by its place (and the texts it must
    mention); every actual one matched by an expected one."""
    left = list(actual)
    for e in expected:
        match = next((a for a in left if same_place(e, a, kind == "warning")), None)
        if match is None:
            problems.append(f"{kind} expected but not given: {describe(e)}")
            continue
        left.remove(match)
        text = match.get("message", "") + " " + str(match.get("value", ""))
        for m in e.get("mentions", []):
            if m not in text:
                problems.append(f"{kind} {describe(e)} does not mention «{m}»: {match.get('message', '')}")
    for a in left:
        problems.append(f"{kind} not expected: {describe(a)}: {a.get('message', '')}")


def compare(exp, out, exit_code, counts):
    problems = []
    accepted = exp["verdict"] == "accepted"
    if out.get("accepted") != accepted:
        problems.append(f"verdict: expected {exp['verdict']}, got {'accepted' if out.get('accepted') else 'refused'}")
    if exit_code != (0 if accepted else 1):
        problems.append(f"exit code {exit_code} for a return expected {exp['verdict']}")
    if out.get("district") != exp["district"] or out.get("period") != exp["period"]:
        problems.append(f"submission read as {out.get('district')} {out.get('period')}, "
                        f"expected {exp['district']} {exp['period']}")

    if accepted:
        compare_issues("error", [], out.get("errors", []), problems)
        records = out.get("records", [])
        want = exp["records"]
        if len(records) != len(want):
            problems.append(f"{len(records)} organisations read, expected {len(want)}")
            got_names = [r.get("org_name") for r in records]
            want_names = [r["org_name"] for r in want]
            for n in got_names:
                if n not in want_names:
                    problems.append(f"  read but not in the return: «{n}»")
            for n in want_names:
                if n not in got_names:
                    problems.append(f"  in the return but not read: «{n}»")
        for i, (w, r) in enumerate(zip(want, records)):
            label = f"record {i + 1} «{w['org_name']}»"
            for key in ("org_name", "org_kind", "org_sector", "org_rating"):
                if key in w and r.get(key) != w[key]:
                    problems.append(f"{label}: {key} expected «{w[key]}», got «{r.get(key)}»")
            if "org_rating" not in w and "org_rating" in r:
                problems.append(f"{label}: org_rating «{r['org_rating']}» given, but the return carries no rating")
            for key, value in (("district", exp["district"]), ("period", exp["period"])):
                if r.get(key) != value:
                    problems.append(f"{label}: {key} expected «{value}», got «{r.get(key)}»")
            for fld in counts:
                if fld in w and fld not in r:
                    problems.append(f"{label}: {fld} expected {w[fld]}, not given")
                elif fld in r and fld not in w:
                    problems.append(f"{label}: {fld} = {r[fld]} given, but the return does not carry it")
                elif fld in w and r[fld] != w[fld]:
                    problems.append(f"{label}: {fld} expected {w[fld]}, got {r[fld]}")
        sums = {}
        for r in records:
            for fld in counts:
                if isinstance(r.get(fld), int):
                    sums[fld] = sums.get(fld, 0) + r[fld]
        for fld in sorted(set(sums) | set(exp["sums"])):
            if sums.get(fld) != exp["sums"].get(fld):
                problems.append(f"sum of {fld}: expected {exp['sums'].get(fld, 'none (not carried)')}, "
                                f"got {sums.get(fld, 'none')}")
        carried = sorted({fld for r in records for fld in counts if fld in r}
                         | ({"org_rating"} if any("org_rating" in r for r in records) else set()))
        if carried != sorted(exp["carried"]):
            problems.append(f"fields carried: expected {sorted(exp['carried'])}, got {carried}")
    else:
        compare_issues("error", exp["errors"], out.get("errors", []), problems)
    compare_issues("warning", exp["warnings"], out.get("warnings", []), problems)
    return problems


def self_check(exp, counts):
    """The expected file agrees with itself: its sums are its records', its
    carried fields its records' (a hand edit cannot make it drift)."""
    problems = []
    for fld, total in exp["sums"].items():
        if sum(r.get(fld, 0) for r in exp["records"]) != total:
            problems.append(f"expected file: the sum of {fld} is not its records'")
    carried = {fld for r in exp["records"] for fld in counts if fld in r}
    if any("org_rating" in r for r in exp["records"]):
        carried.add("org_rating")
    if carried != set(exp["carried"]):
        problems.append("expected file: carried is not what its records hold")
    if set(exp["carried"]) & set(exp["not_carried"]) or set(exp["carried"]) | set(exp["not_carried"]) != set(
            counts + ["org_rating"]):
        problems.append("expected file: carried and not_carried do not split the catalogue")
    if (exp["verdict"] == "refused") != bool(exp["errors"]):
        problems.append("expected file: a refusal names its errors, an acceptance none")
    return problems


def run_shape(args, shape, counts):
    shapes_dir = os.path.join(args.source, "tests", "data", "shapes")
    with open(os.path.join(shapes_dir, shape + ".expected.json"), encoding="utf-8") as f:
        exp = json.load(f)
    problems = self_check(exp, counts)
    if problems:
        return problems, None
    cmd = [args.tonghopd, "check", os.path.join(shapes_dir, shape), "--district", exp["district"], "--period",
           exp["period"], "--format", "json", "--config", os.path.join(args.source, "config", "tonghop.toml"),
           "--plugins-dir", args.plugins_dir]
    try:
        p = subprocess.run(cmd, cwd=args.source, capture_output=True, timeout=90)
    except (OSError, subprocess.TimeoutExpired) as e:
        return [f"tonghopd check did not run: {e}"], None
    try:
        out = json.loads(p.stdout.decode())
    except ValueError:
        return [f"tonghopd check exited {p.returncode} without JSON: {p.stdout[:300]!r} {p.stderr[:500]!r}"], None
    return compare(exp, out, p.returncode, counts), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tonghopd")
    ap.add_argument("--plugins-dir")
    ap.add_argument("--source", required=True)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--check-pending", action="store_true")
    ap.add_argument("--reproduce", action="store_true")
    ap.add_argument("shapes", nargs="*")
    args = ap.parse_args()
    args.source = os.path.abspath(args.source)
    shapes_dir = os.path.join(args.source, "tests", "data", "shapes")
    all_shapes = sorted(f[:-len(".expected.json")] for f in os.listdir(shapes_dir) if f.endswith(".expected.json"))
    pending = read_pending(shapes_dir)

    if args.check_pending:
        unknown = [n for n in pending if n not in all_shapes]
        for n in unknown:
            print(f"PENDING names «{n}», which is no shape of {shapes_dir}")
        no_reason = [n for n, r in pending.items() if not r]
        for n in no_reason:
            print(f"PENDING gives no reason for {n}")
        return 1 if unknown or no_reason else 0

    if args.reproduce:
        tmp = tempfile.mkdtemp()
        try:
            subprocess.run([sys.executable, "-B", os.path.join(shapes_dir, "make_corpus.py"), "--out", tmp],
                           check=True)
            made = sorted(os.listdir(tmp))
            bad = [f for f in made if not os.path.exists(os.path.join(shapes_dir, f))
                   or not filecmp.cmp(os.path.join(tmp, f), os.path.join(shapes_dir, f), shallow=False)]
            for f in bad:
                print(f"{f}: the committed file is not what make_corpus.py writes (run it and commit)")
            # Everything else here is the generator's own, or the .xls only --xls remakes.
            own = {"make_corpus.py", "corpus_kit.py", "README.md", "PENDING", "__pycache__"}
            stale = [f for f in os.listdir(shapes_dir) if f not in made and f not in own
                     and not (f.endswith(".xls") and f + ".expected.json" in made)]
            for f in sorted(stale):
                print(f"{f}: make_corpus.py does not make it (a shape removed from the script?)")
            print(f"{len(made) - len(bad)} of {len(made)} files as make_corpus.py writes them")
            return 1 if bad or stale else 0
        finally:
            shutil.rmtree(tmp)

    counts = load_catalogue(args.source)
    shapes = all_shapes if args.all else args.shapes
    failed = skipped = 0
    for shape in shapes:
        if shape not in all_shapes:
            print(f"{shape}: no such shape in {shapes_dir}")
            failed += 1
            continue
        problems, out = run_shape(args, shape, counts)
        if out is None and problems and problems[0].startswith("expected file:"):
            failed += 1  # a broken expected file fails, pending or not
            print(f"FAIL {shape}: " + "; ".join(problems))
        elif shape in pending:
            if problems:
                skipped += 1
                print(f"PENDING {shape} ({pending[shape]}): {len(problems)} difference(s), first: {problems[0]}")
                for p in problems[1:40]:
                    print(f"    {p}")
            else:
                failed += 1
                print(f"FAIL {shape}: now read exactly as expected, but PENDING still names it: "
                      "remove it from tests/data/shapes/PENDING")
        elif problems:
            failed += 1
            print(f"FAIL {shape}: {len(problems)} difference(s)")
            for p in problems[:60]:
                print(f"    {p}")
            if len(problems) > 60:
                print(f"    ... and {len(problems) - 60} more")
        else:
            print(f"ok {shape}")
    if failed:
        return 1
    if skipped and skipped == len(shapes):
        return SKIP
    return 0


if __name__ == "__main__":
    sys.exit(main())
