#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Judge one test VM run.

Reads what the guest's /init (tools/vm/init.sh) wrote to the results port
and the kernel console log, and prints one line per test:

    PASS|FAIL|SKIP <kernel> <suite>/<test>[/<subtest>]

IGT subtests and KUnit cases are tests; so are the loading of each module,
the guest finishing, and the kernel log staying clean.  A kernel log is clean
when it holds no WARNING, BUG, Oops, lockdep, KASAN, UBSAN, hung-task or
debug-objects report, kmemleak found no leak after its scans, lockdep is
still active (on a kernel that has it), and the taint holds nothing but the
out-of-tree, unsigned-module and KUnit-test bits.  Offending lines are
printed.  The counts go to --counts as "passed failed skipped"; the exit
status is 1 when anything failed.
"""

import argparse
import re
import sys

# Kernel log lines that fail a run.
SPLAT = re.compile(
    r"WARNING:|BUG:|kernel BUG at|Oops|general protection fault|Kernel panic"
    r"|UBSAN:|INFO: task .* blocked for more than|INFO: trying to register"
    r"|INFO: lockdep is turned off|DEBUG_LOCKS_WARN_ON|ODEBUG:|suspected memory leak"
    r"|list_(add|del) corruption|refcount_t:|------------\[ cut here \]"
)

# Taint bits a test run may set: O (out-of-tree module, 12), E (unsigned
# module, 13) and N (a KUnit test ran, 18).
ALLOWED_TAINT = (1 << 12) | (1 << 13) | (1 << 18)
TAINT_LETTERS = "PFSRMBUDAWCIOELKXTN"

KTAP_RESULT = re.compile(r"^(\s*)(not ok|ok) \d+ (.*?)(?:\s+#\s*(SKIP|skip).*)?$")
KTAP_SUBTEST = re.compile(r"^(\s*)# Subtest: (.*)$")


class Run:
    def __init__(self, kernel):
        self.kernel = kernel
        self.counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}

    def result(self, status, name, detail=None):
        self.counts[status] += 1
        print(f"{status} {self.kernel} {name}")
        if detail:
            for line in detail:
                print(f"    | {line}")


def sections(lines):
    """Yields (header words, body lines) for each @@VSVM section."""
    header, body = None, []
    for line in lines:
        if line.startswith("@@VSVM "):
            if header is not None:
                yield header, body
            header, body = line.split()[1:], []
        elif header is not None:
            body.append(line)
    if header is not None:
        yield header, body


def parse_igt(run, name, body, rc, suite="igt"):
    """One IGT program's output; returns its counts (PASS, FAIL, SKIP)."""
    before = dict(run.counts)
    started, ended, start_at = [], set(), {}
    for i, line in enumerate(body):
        m = re.match(r"^Starting subtest: (\S+)", line)
        if m:
            started.append(m.group(1))
            start_at[m.group(1)] = i
            continue
        m = re.match(r"^Subtest (\S+): (SUCCESS|FAIL|SKIP|CRASH|TIMEOUT)", line)
        if m:
            sub, res = m.groups()
            ended.add(sub)
            status = {"SUCCESS": "PASS", "SKIP": "SKIP"}.get(res, "FAIL")
            # A failure shows the subtest's own output.
            detail = body[start_at.get(sub, i):i + 1][-60:] if status == "FAIL" else None
            run.result(status, f"{suite}/{name}/{sub}", detail)
    for sub in started:
        if sub not in ended:
            run.result("FAIL", f"{suite}/{name}/{sub} (no result: the test died)", body[-40:])
    if not started and not ended:
        if rc == 77:
            # A program that skipped as a whole: its last line says why.
            why = next((l.strip() for l in reversed(body) if l.strip()), "")
            run.result("SKIP", f"{suite}/{name}" + (f" ({why})" if why else ""))
        elif rc == 0 and suite == "upstream":
            # A tool rather than a test (gputop): it ran and exited 0.
            run.result("PASS", f"{suite}/{name}")
        else:
            run.result("FAIL", f"{suite}/{name} (exit {rc}, no subtest ran)", body[-40:])
    elif rc not in (0, 77, 98):
        why = "killed at its timeout" if rc in (124, 137) else f"exit status {rc}"
        run.result("FAIL", f"{suite}/{name} ({why})", body[-20:])
    return tuple(run.counts[k] - before[k] for k in ("PASS", "FAIL", "SKIP"))


def parse_kunit(run, suite, body):
    """Counts the leaf results of a KTAP document (a case, or each parameter
    of a parameterised case); parent lines only summarise their children."""
    groups = []  # (indent, name) of open "# Subtest:" groups
    prev_indent = None
    seen = 0
    for i, line in enumerate(body):
        m = KTAP_SUBTEST.match(line)
        if m:
            indent = len(m.group(1))
            groups = [g for g in groups if g[0] < indent] + [(indent, m.group(2))]
            continue
        m = KTAP_RESULT.match(line)
        if not m:
            continue
        indent, res, name, skip = len(m.group(1)), m.group(2), m.group(3), m.group(4)
        leaf = prev_indent is None or prev_indent <= indent
        prev_indent = indent
        groups = [g for g in groups if g[0] <= indent]
        if not leaf:
            continue
        seen += 1
        path = "/".join([g[1] for g in groups if g[1] != name] + [name])
        if skip:
            run.result("SKIP", f"kunit/{path}")
        elif res == "ok":
            run.result("PASS", f"kunit/{path}")
        else:
            run.result("FAIL", f"kunit/{path}", body[max(0, i - 30):i + 1])
    if not seen:
        run.result("FAIL", f"kunit/{suite} (no results)", body[-20:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--console", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--counts", required=True)
    ap.add_argument("--suites", default="")
    ap.add_argument("--has-kunit", action="store_true")
    ap.add_argument("--timed-out", action="store_true")
    ap.add_argument("--demo", action="store_true")
    args = ap.parse_args()

    ansi = re.compile(r"\x1b\[[0-9;]*m")

    def read(path):
        # Real IGT colours its result lines; the colours are dropped.
        try:
            with open(path, errors="replace") as f:
                return [ansi.sub("", l.rstrip("\r\n").replace("\r", "")) for l in f]
        except FileNotFoundError:
            return []

    console, results = read(args.console), read(args.results)
    run = Run(args.kernel)
    suites = [s for s in args.suites.split(",") if s]
    finished, kunit_seen, dmesg = False, False, []
    taint, lockdep = None, None
    test_body = []
    table = {}  # upstream program -> [passed, failed, skipped, exit statuses]

    for header, body in sections(results):
        kind = header[0]
        if kind == "MODULE":
            status = "PASS" if header[2] == "ok" else "FAIL"
            run.result(status, f"module/load-{header[1]}", body if status == "FAIL" else None)
        elif kind == "TEST":
            pass  # judged at TEST-END, which carries the exit status
        elif kind == "TEST-END":
            suite, name, rc = header[1], header[2], int(header[3])
            # The body of a TEST section is everything up to its TEST-END.
            if suite == "igt":
                parse_igt(run, name, test_body, rc)
            elif suite == "upstream":
                row = table.setdefault(name, [0, 0, 0, []])
                for i, n in enumerate(parse_igt(run, name, test_body, rc, "upstream")):
                    row[i] += n
                row[3].append(str(rc))
            else:
                parse_plain(run, suite, name, test_body)
        elif kind == "KUNIT":
            kunit_seen = True
            parse_kunit(run, header[1], body)
        elif kind == "KMEMLEAK":
            leaks = [l for l in body if l.strip()]
            if leaks:
                run.result("FAIL", "kernel/kmemleak", leaks[:60])
            else:
                run.result("PASS", "kernel/kmemleak")
        elif kind == "LOCKDEP":
            lockdep = header[1] if len(header) > 1 else ""
        elif kind == "TAINT":
            taint = int(header[1])
        elif kind == "DMESG":
            dmesg = body
        elif kind == "DEMO":
            for line in body:
                print(line)
        elif kind == "DEMO-END":
            run.result("PASS" if header[1] == "0" else "FAIL", "demo/vsvm-info")
            if len(header) > 2:
                run.result("PASS" if header[2] == "0" else "FAIL", "demo/vsvm-demo")
        elif kind == "END":
            finished = True
        if kind == "TEST":
            test_body = body

    if "kunit" in suites:
        if not args.has_kunit:
            run.result("SKIP", "kunit (this kernel has no KUnit)")
        elif not kunit_seen:
            run.result("FAIL", "kunit (no KUnit results came back)")

    if args.timed_out or not finished:
        why = "timed out" if args.timed_out else "ended before its report was complete"
        run.result("FAIL", f"vm/completed (the guest {why})", console[-60:])
    else:
        run.result("PASS", "vm/completed")

    # The kernel log: the console and the final dmesg (which may repeat it).
    seen, bad = set(), []
    for line in console + dmesg:
        if SPLAT.search(line):
            key = re.sub(r"^\[\s*[\d.]+\]\s*", "", line)
            if key not in seen:
                seen.add(key)
                bad.append(line)
    if taint is not None and taint & ~ALLOWED_TAINT:
        letters = "".join(c for i, c in enumerate(TAINT_LETTERS) if taint & (1 << i))
        bad.append(f"kernel taint {taint} ({letters}) has bits other than O, E and N")
    if lockdep is not None and lockdep != "debug_locks:1":
        bad.append(f"lockdep is no longer active ({lockdep or 'unknown'})")
    if bad:
        # Show each report with the lines that follow it in the console.
        context = []
        for line in bad[:10]:
            src = console if line in console else dmesg
            if line in src:
                i = src.index(line)
                context += src[i:i + 25] + ["..."]
            else:
                context.append(line)
        run.result("FAIL", "kernel/log-clean", context[:300])
    elif finished:
        run.result("PASS", "kernel/log-clean")

    if table:
        # The upstream suite's table: subtests per program.
        width = max(len(n) for n in table)
        print(f"{'program':<{width}}  pass  fail  skip  exit")
        for name, (p, f, s, rcs) in table.items():
            print(f"{name:<{width}}  {p:>4}  {f:>4}  {s:>4}  {','.join(rcs)}")

    with open(args.counts, "w") as f:
        f.write(f"{run.counts['PASS']} {run.counts['FAIL']} {run.counts['SKIP']}\n")
    c = run.counts
    print(f"{args.kernel}: {c['PASS']} passed, {c['FAIL']} failed, {c['SKIP']} skipped")
    return 1 if c["FAIL"] else 0


def parse_plain(run, suite, name, body):
    """A non-IGT test section whose body says 'Subtest <name>: RESULT'.
    The benchmarks' figures are printed as they are."""
    if suite == "bench":
        for line in body:
            if not line.startswith("Subtest "):
                print(f"    {line}")
    for line in body:
        m = re.match(r"^Subtest (\S+): (SUCCESS|FAIL|SKIP)", line)
        if m:
            status = {"SUCCESS": "PASS", "SKIP": "SKIP", "FAIL": "FAIL"}[m.group(2)]
            run.result(status, f"{suite}/{m.group(1)}", body[-30:] if status == "FAIL" else None)
            return
    run.result("FAIL", f"{suite}/{name} (no result)", body[-30:])


if __name__ == "__main__":
    sys.exit(main())
