#!/usr/bin/env python3
"""structure.py -- check hawatch's structure rules (docs/design.md).

Run by `make structure` (and so by `make check`) after the objects are
built.  Checks every .c file under src/, fence/ and reconcile/ (recursively):

  call cycles     file A calls a function defined in file B (an undefined
                  text symbol of A's object that B's object defines, read
                  with nm), and B calls back into A directly or through
                  other files.  Every elementary cycle is printed with the
                  symbols forming each edge.
  include cycles  "#include "x.h"" lines of the .c and .h files, resolved
                  against the including file's folder and then the -I
                  folders of the Makefile; a .c and its own .h (same path
                  without the suffix) count as one node.
  file length     no .c file over MAX_FILE_LINES lines.
  function length no function over MAX_FUNC_LINES lines, counted from the
                  line of its opening "{" at column 0 to the line of the
                  matching "}" at column 0, both included (KNF).

Exceptions come from the design document, under a heading containing
"Exceptions" (down to the next heading of the same or a higher level): list
items naming, in backquotes, either a function "name()" (or
"file.c:name()") or a file path, followed by a reason.  An exception
suppresses only that item:
  name()          that function may be longer than MAX_FUNC_LINES;
  path.c          that file may be longer than MAX_FILE_LINES;
  a.c -> b.c      that edge (calls from a.c into b.c; or includes from
                  a.[ch] of b.[ch]) does not count, so cycles through it
                  are not reported.
An exception without a reason is itself a violation; an exception matching
nothing is reported as unused (a warning, not a failure).

Exit: 0 when clean, 1 on violations, 2 on usage errors (missing objects,
unreadable files).
"""
import argparse
import os
import re
import subprocess
import sys

MAX_FILE_LINES = 600
MAX_FUNC_LINES = 80
TOP_DIRS = ("src", "fence", "reconcile")
MAX_CYCLES = 200  # printed per strongly connected component; the rest counted


def die(msg):
    print("structure: " + msg, file=sys.stderr)
    sys.exit(2)


def rel(root, path):
    return os.path.relpath(path, root)


def find_sources(root, suffixes):
    out = []
    for top in TOP_DIRS:
        base = os.path.join(root, top)
        for d, dirs, files in os.walk(base):
            dirs.sort()
            for f in sorted(files):
                if f.endswith(suffixes):
                    out.append(rel(root, os.path.join(d, f)))
    return sorted(out)


# --- exceptions -----------------------------------------------------------

class Exceptions:
    def __init__(self):
        self.funcs = {}      # "name" or "file.c:name" -> line
        self.paths = {}      # "path" -> line
        self.edges = {}      # ("a", "b") -> line, paths without suffix
        self.used = set()
        self.problems = []   # violations in the exception list itself

    def func(self, fname, name):
        for key in (fname + ":" + name, name):
            if key in self.funcs:
                self.used.add(("f", key))
                return True
        return False

    def path(self, path):
        if path in self.paths:
            self.used.add(("p", path))
            return True
        return False

    def edge(self, a, b):
        key = (os.path.splitext(a)[0], os.path.splitext(b)[0])
        if key in self.edges:
            self.used.add(("e", key))
            return True
        return False

    def unused(self):
        out = []
        for k, line in self.funcs.items():
            if ("f", k) not in self.used:
                out.append((line, k + "()"))
        for k, line in self.paths.items():
            if ("p", k) not in self.used:
                out.append((line, k))
        for k, line in self.edges.items():
            if ("e", k) not in self.used:
                out.append((line, "%s -> %s" % k))
        return sorted(out)


HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
ITEM = re.compile(r"^\s*[-*]\s+(.*)$")
TICKED = re.compile(r"`([^`]+)`")
EDGE = re.compile(r"^(\S+)\s*->\s*(\S+)$")


def load_exceptions(design):
    ex = Exceptions()
    if not os.path.exists(design):
        return ex
    level = None
    with open(design, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            h = HEADING.match(line)
            if h:
                lv = len(h.group(1))
                if level is not None and lv <= level:
                    level = None
                if level is None and "exceptions" in h.group(2).lower():
                    level = lv
                continue
            if level is None:
                continue
            m = ITEM.match(line)
            if not m:
                continue
            t = TICKED.match(m.group(1))
            if not t:
                continue
            name = t.group(1).strip()
            reason = m.group(1)[t.end():].strip(" \t:-\u2014\u2013,.")
            where = "%s:%d" % (design, no)
            if not reason:
                ex.problems.append("%s: exception `%s` has no reason"
                                   % (where, name))
            e = EDGE.match(name)
            if e:
                ex.edges[(os.path.splitext(e.group(1))[0],
                          os.path.splitext(e.group(2))[0])] = where
            elif name.endswith("()"):
                ex.funcs[name[:-2]] = where
            else:
                ex.paths[name.rstrip("/")] = where
    return ex


# --- call graph -------------------------------------------------------------

def nm_symbols(obj):
    try:
        out = subprocess.run(["nm", "-P", obj], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        die("nm %s: %s" % (obj, e))
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        sym, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(sym)
        elif kind in ("T", "W", "i"):
            defined.add(sym)
    return defined, undefined


def call_graph(root, objdir, sources, ex):
    defs, undefs = {}, {}
    for src in sources:
        obj = os.path.join(objdir, src[:-2] + ".o")
        if not os.path.exists(obj):
            die("%s missing: build first (make all)" % obj)
        defs[src], undefs[src] = nm_symbols(obj)
    owner = {}
    for src in sources:
        for sym in defs[src]:
            owner.setdefault(sym, src)
    edges = {}  # (a, b) -> sorted symbols
    for a in sources:
        for sym in undefs[a]:
            b = owner.get(sym)
            if b is None or b == a:
                continue
            edges.setdefault((a, b), set()).add(sym)
    return {k: sorted(v) for k, v in edges.items() if not ex.edge(*k)}


# --- include graph ----------------------------------------------------------

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def include_dirs(makefile):
    dirs = []
    if os.path.exists(makefile):
        with open(makefile, encoding="utf-8") as f:
            for m in re.finditer(r"(?<![\w$(])-I([\w./-]+)", f.read()):
                if m.group(1) not in dirs:
                    dirs.append(m.group(1))
    return dirs


def node_of(path):
    return os.path.splitext(path)[0]


def include_graph(root, files, idirs, ex):
    edges = {}  # (node a, node b) -> ["file:line includes x.h"]
    for src in files:
        with open(os.path.join(root, src), encoding="utf-8",
                  errors="replace") as f:
            lines = f.readlines()
        for no, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = None
            for d in [os.path.dirname(src)] + idirs:
                cand = os.path.normpath(os.path.join(d, m.group(1)))
                if os.path.exists(os.path.join(root, cand)):
                    target = cand
                    break
            if target is None:
                continue
            a, b = node_of(src), node_of(target)
            if a != b and not ex.edge(a, b):
                edges.setdefault((a, b), []).append(
                    "%s:%d includes %s" % (src, no, target))
    return edges


# --- cycles -----------------------------------------------------------------

def sccs(nodes, succ):
    """Tarjan, iterative; returns components with more than one node."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(succ.get(start, ())))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(succ.get(w, ()))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return sorted(out)


def simple_cycles(comp, succ, limit):
    """Elementary cycles inside one component, each starting at its
    smallest node; at most limit of them, plus the count of the rest."""
    members = set(comp)
    found, extra = [], 0
    for start in comp:
        path, onpath = [start], {start}
        stack = [iter(sorted(n for n in succ.get(start, ())
                             if n in members and n >= start))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                onpath.discard(path.pop())
                continue
            if nxt == start:
                if len(found) < limit:
                    found.append(list(path))
                else:
                    extra += 1
                continue
            if nxt in onpath:
                continue
            path.append(nxt)
            onpath.add(nxt)
            stack.append(iter(sorted(n for n in succ.get(nxt, ())
                                     if n in members and n >= start)))
    return found, extra


def report_cycles(kind, edges, fmt_node, fmt_edge):
    succ, nodes = {}, set()
    for a, b in edges:
        succ.setdefault(a, set()).add(b)
        nodes.update((a, b))
    out = []
    for comp in sccs(sorted(nodes), succ):
        cycles, extra = simple_cycles(comp, succ, MAX_CYCLES)
        for cyc in cycles:
            ring = cyc + [cyc[0]]
            lines = ["%s cycle: %s" % (kind, " -> ".join(
                fmt_node(n) for n in ring))]
            for a, b in zip(ring, ring[1:]):
                lines.append("    %s -> %s: %s" % (
                    fmt_node(a), fmt_node(b), fmt_edge(edges[(a, b)])))
            out.append("\n".join(lines))
        if extra:
            out.append("%s cycle: %d more among %s" % (
                kind, extra, ", ".join(fmt_node(n) for n in comp)))
    return out


# --- lengths ----------------------------------------------------------------

IDENT_CALL = re.compile(r"([A-Za-z_]\w*)\s*\(")
HEADER_STOP = re.compile(r"^(\s*$|#|}|.*;\s*$|.*\*/\s*$)")


def functions(lines):
    """(name, first line, last line) of every KNF function body."""
    out = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("{"):
            i += 1
            continue
        # the header: the lines above, back to a blank line, a
        # preprocessor line, a declaration, a comment end or a "}"
        j = i - 1
        while j >= 0 and not HEADER_STOP.match(lines[j]):
            j -= 1
        header = " ".join(lines[j + 1:i]).strip()
        m = IDENT_CALL.search(header)
        end = i + 1
        while end < len(lines) and not lines[end].startswith("}"):
            end += 1
        if m and header.endswith(")"):
            out.append((m.group(1), i + 1, end + 1))
        i = end + 1
    return out


def lengths(root, sources, ex):
    out = []
    for src in sources:
        with open(os.path.join(root, src), encoding="utf-8",
                  errors="replace") as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) > MAX_FILE_LINES and not ex.path(src):
            out.append("long file: %s: %d lines (max %d)"
                       % (src, len(lines), MAX_FILE_LINES))
        for name, first, last in functions(lines):
            n = last - first + 1
            if n > MAX_FUNC_LINES and not ex.func(src, name):
                out.append("long function: %s:%d: %s(): %d lines (max %d)"
                           % (src, first, name, n, MAX_FUNC_LINES))
    return out


# --- main -------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=".", help="source tree (default .)")
    ap.add_argument("--obj", default=None,
                    help="object folder (default ROOT/build/obj)")
    ap.add_argument("--design", default=None,
                    help="exceptions document (default ROOT/docs/design.md)")
    ap.add_argument("--makefile", default=None,
                    help="where the -I folders are (default ROOT/Makefile)")
    a = ap.parse_args()
    root = a.root
    objdir = a.obj or os.path.join(root, "build", "obj")
    design = a.design or os.path.normpath(os.path.join(root, "docs", "design.md"))
    makefile = a.makefile or os.path.join(root, "Makefile")

    ex = load_exceptions(design)
    csrc = find_sources(root, (".c",))
    allsrc = find_sources(root, (".c", ".h"))
    if not csrc:
        die("no .c files under %s" % ", ".join(TOP_DIRS))

    found = list(ex.problems)
    found += report_cycles(
        "call", call_graph(root, objdir, csrc, ex),
        lambda n: n, lambda syms: ", ".join(s + "()" for s in syms))
    found += report_cycles(
        "include", include_graph(root, allsrc, include_dirs(makefile), ex),
        lambda n: n + ".[ch]", lambda why: "; ".join(why))
    found += lengths(root, csrc, ex)

    for where, what in ex.unused():
        print("structure: warning: %s: exception `%s` matches nothing"
              % (where, what), file=sys.stderr)
    for v in found:
        print(v)
    if found:
        print("structure: %d violation(s); fix them or list a justified "
              "exception in %s" % (len(found), design), file=sys.stderr)
        return 1
    print("structure: ok (%d .c files; max %d lines a file, %d a function;"
          " no call or include cycle)"
          % (len(csrc), MAX_FILE_LINES, MAX_FUNC_LINES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
