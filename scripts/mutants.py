#!/usr/bin/env python3
"""mutants.py -- does a story catch each named guard?  (`make mutants`)

For each mutant of tests/mutants/guards (a named guard, the file it lives
in, and the exact text to replace with its flipped version), this:
  1. writes the mutated copy of that one file to build/mutants/<name>/,
     leaving the sources untouched;
  2. compiles it, and links each story runner (tests/unit/check_scenarios.c,
     check_story_*.c) with it ahead of build/libhawatch.a, so the mutated
     object replaces the original;
  3. runs every story and records which ones fail (the runners append the
     passing ones to $HAWATCH_STORY_PASSLOG).
It prints the table guard -> stories that catch it, and exits 1 when a
guard is caught by no story (a missing story), when a mutant's text is not
found exactly once in its file (the guard moved: update tests/mutants/guards),
or when a story fails without any mutant.

Needs: build/libhawatch.a (make builds it), and from the Makefile the
compiler (MUT_CC), its flags (MUT_CFLAGS) and the libraries (MUT_LIBS).
Options: --only SUB[,SUB...] (mutants whose name contains one), --jobs N.
"""
import argparse
import concurrent.futures
import os
import shlex
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(TOP, "build", "mutants")
RUNNERS = ["check_scenarios", "check_story_reconcile", "check_story_restart",
           "check_story_sweep", "check_story_act"]


def die(msg):
    print("mutants: " + msg, file=sys.stderr)
    sys.exit(2)


def parse_guards(path):
    """Blocks: "[name] file", then hunks of "-old" / "+new" lines, hunks
    separated by "@@"; "#" lines outside hunks are comments."""
    muts, cur, hunk = [], None, None
    with open(path) as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("["):
                name, _, file = line[1:].partition("]")
                cur = {"name": name.strip(), "file": file.strip(),
                       "hunks": [], "line": no}
                hunk = None
                muts.append(cur)
            elif line.startswith("-") or line.startswith("+"):
                if cur is None:
                    die("%s:%d: hunk outside a mutant" % (path, no))
                if hunk is None:
                    hunk = {"old": [], "new": []}
                    cur["hunks"].append(hunk)
                hunk["old" if line[0] == "-" else "new"].append(line[1:])
            elif line.strip() == "@@":
                hunk = None
            elif line.strip() == "" or line.startswith("#"):
                hunk = None if line.strip() == "" else hunk
            else:
                die("%s:%d: not understood: %r" % (path, no, line))
    return muts


def stories():
    d = os.path.join(TOP, "tests", "scenarios")
    return sorted(s for s in os.listdir(d)
                  if os.path.isfile(os.path.join(d, s, "script")))


def sh(cmd, **kw):
    return subprocess.run(cmd, cwd=TOP, capture_output=True, text=True, **kw)


def compile_runners(cc, cflags):
    objdir = os.path.join(OUT, "runners")
    os.makedirs(objdir, exist_ok=True)
    for r in RUNNERS:
        src = os.path.join(TOP, "tests", "unit", r + ".c")
        obj = os.path.join(objdir, r + ".o")
        # also older than the library: a header it uses (daemon.h, ...)
        # may have changed the structures the runner fills
        deps = [src, os.path.join(TOP, "tests", "unit", "story_golden.h"),
                os.path.join(TOP, "build", "libhawatch.a")]
        if (os.path.exists(obj) and
                all(os.path.getmtime(obj) >= os.path.getmtime(x)
                    for x in deps)):
            continue
        p = sh([cc] + cflags + ["-Itests/unit", "-c", "-o", obj, src])
        if p.returncode != 0:
            die("compiling %s:\n%s" % (src, p.stderr))
    return objdir


def run_stories(bindir, outdir, all_stories):
    """The set of stories that fail with the runners in bindir."""
    log = os.path.join(outdir, "passed")
    if os.path.exists(log):
        os.unlink(log)
    env = dict(os.environ, HAWATCH_TOP=TOP, HAWATCH_STORY_PASSLOG=log,
               HAWATCH_SCEN_OUT=os.path.join(outdir, "out"),
               CK_DEFAULT_TIMEOUT="20", CK_VERBOSITY="silent")
    env.pop("SCEN", None)
    env.pop("BLESS", None)
    for r in RUNNERS:
        subprocess.run([os.path.join(bindir, r)], cwd=TOP, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    passed = set()
    if os.path.exists(log):
        with open(log) as f:
            passed = set(l.strip() for l in f if l.strip())
    return set(all_stories) - passed


def link(cc, cflags, libs, objdir, extra, bindir):
    os.makedirs(bindir, exist_ok=True)
    for r in RUNNERS:
        p = sh([cc] + cflags + ["-o", os.path.join(bindir, r),
               os.path.join(objdir, r + ".o")] + extra +
               [os.path.join(TOP, "build", "libhawatch.a")] + libs)
        if p.returncode != 0:
            return p.stderr
    return None


def mutate(m):
    path = os.path.join(TOP, m["file"])
    try:
        text = open(path).read()
    except OSError as e:
        return None, "cannot read %s: %s" % (m["file"], e)
    for h in m["hunks"]:
        old = "\n".join(h["old"]) + "\n"
        new = "\n".join(h["new"]) + ("\n" if h["new"] else "")
        n = text.count(old)
        if n != 1:
            return None, "text to flip found %d times in %s:\n%s" % (
                n, m["file"], old)
        text = text.replace(old, new)
    return text, None


def one(m, cc, cflags, libs, objdir, all_stories):
    mdir = os.path.join(OUT, m["name"])
    shutil.rmtree(mdir, ignore_errors=True)
    os.makedirs(mdir)
    text, err = mutate(m)
    if err:
        return m, None, err
    src = os.path.join(mdir, os.path.basename(m["file"]))
    with open(src, "w") as f:
        f.write(text)
    obj = src[:-2] + ".o"
    # a flipped guard may leave a parameter or a function unused
    p = sh([cc] + cflags + ["-Wno-error", "-w", "-I" + os.path.dirname(
        os.path.join(TOP, m["file"])), "-c", "-o", obj, src])
    if p.returncode != 0:
        return m, None, "mutant does not compile:\n" + p.stderr
    err = link(cc, cflags, libs, objdir, [obj], os.path.join(mdir, "bin"))
    if err:
        return m, None, "mutant does not link:\n" + err
    return m, run_stories(os.path.join(mdir, "bin"), mdir, all_stories), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--guards", default=os.path.join(TOP, "tests", "mutants",
                                                      "guards"))
    a = ap.parse_args()
    cc = os.environ.get("MUT_CC", "cc")
    cflags = shlex.split(os.environ.get("MUT_CFLAGS", ""))
    libs = shlex.split(os.environ.get("MUT_LIBS", ""))
    if not cflags:
        die("run it through make mutants (MUT_CFLAGS is empty)")
    if not os.path.exists(os.path.join(TOP, "build", "libhawatch.a")):
        die("build/libhawatch.a missing: make it first")
    only = a.only.split(",")
    muts = [m for m in parse_guards(a.guards)
            if any(o in m["name"] for o in only)]
    if not muts:
        die("no mutant matches")
    names = [m["name"] for m in muts]
    if len(set(names)) != len(names):
        die("duplicate mutant names")
    all_stories = stories()
    objdir = compile_runners(cc, cflags)

    base = os.path.join(OUT, "baseline")
    err = link(cc, cflags, libs, objdir, [], os.path.join(base, "bin"))
    if err:
        die("baseline does not link:\n" + err)
    broken = run_stories(os.path.join(base, "bin"), base, all_stories)
    if broken:
        die("stories fail without any mutant: " + " ".join(sorted(broken)))

    print("%d stories, %d mutants" % (len(all_stories), len(muts)))
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = [ex.submit(one, m, cc, cflags, libs, objdir, all_stories)
                for m in muts]
        for fu in futs:
            results.append(fu.result())
    bad = 0
    width = max(len(n) for n in names)
    print("\n%-*s  caught by" % (width, "guard"))
    for m, caught, err in results:
        if err:
            bad += 1
            print("%-*s  ERROR %s (tests/mutants/guards:%d)" % (
                width, m["name"], err.strip(), m["line"]))
        elif not caught:
            bad += 1
            print("%-*s  SURVIVED: no story catches it (%s)" % (
                width, m["name"], m["file"]))
        else:
            print("%-*s  %d: %s" % (width, m["name"], len(caught),
                                    " ".join(sorted(caught))))
    print("\n%d of %d guards caught" % (len(results) - bad, len(results)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
