"""Checks one demo run: the HTML report and the text summary on stdout.

Usage: check_report.py REPORT.html STDOUT SEED DAYS
Standard library only. Exits non-zero with the first failed check.
"""
import html.parser
import re
import sys

VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
HEADINGS = ["Summary", "Admissions", "Members per tier", "Daily activity", "Sanctions",
            "Leaderboard", "Group health"]


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors = [], []
        self.counts = {}
        self.h2, self.pre = [], ""
        self.tables = {}  # table id -> rows of cell texts
        self._text = None
        self._table = None
        self._row = None
        self._cell = None
        self.attrs_seen = []

    def handle_starttag(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1
        a = dict(attrs)
        self.attrs_seen.extend(attrs)
        if tag not in VOID:
            self.stack.append(tag)
        if tag in ("h2", "pre"):
            self._text = ""
        if tag == "table":
            self._table = a.get("id", "")
            self.tables[self._table] = []
        if tag == "tr" and self._table is not None:
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_startendtag(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self.attrs_seen.extend(attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "h2":
            self.h2.append(self._text.strip())
            self._text = None
        if tag == "pre":
            self.pre = self._text
            self._text = None
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        if tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._text is not None:
            self._text += data
        if self._cell is not None:
            self._cell += data


def fail(msg):
    print("check_report:", msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def main():
    html_path, out_path, seed, days = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    raw = open(html_path, encoding="utf-8").read()
    out = open(out_path, encoding="utf-8").read()

    # Self-contained: nothing fetched from anywhere.
    low = raw.lower()
    for bad in ("<script", "<link", "<iframe", "<img", "@import", "url(", "http:", "https:", "//cdn"):
        check(bad not in low, f"the HTML contains {bad!r}")

    page = Page()
    page.feed(raw)
    page.close()
    check(not page.errors, f"badly nested tags: {page.errors[:5]}")
    check(page.stack == [], f"unclosed tags: {page.stack}")
    check(all(k not in ("src", "href") for k, _ in page.attrs_seen), "an src or href attribute")
    check(page.counts.get("svg", 0) >= 5, f"{page.counts.get('svg', 0)} <svg> elements, want >= 5")
    for h in HEADINGS:
        check(h in page.h2, f"missing section {h!r} (have {page.h2})")
    check(f"seed {seed}" in raw, "the seed is not on the page")
    check(page.pre == out, "the summary atop the page differs from stdout")

    # The summary's numbers.
    m = re.search(r"^admission: (\d+) applications: (\d+) admitted, (\d+) waitlisted, (\d+) refused, "
                  r"(\d+) rejected by the engine$", out, re.M)
    check(m, "no admission line")
    apps, admitted, waitlisted, refused, rejected = map(int, m.groups())
    check(apps > 100, f"only {apps} applications")
    check(admitted > 50, f"only {admitted} admitted")
    check(admitted + waitlisted + refused + rejected >= apps,
          "admitted + waitlisted + refused + rejected < applications")
    check(admitted + waitlisted + refused + rejected == apps, "each application has exactly one outcome")
    m = re.search(r"^  refused, by reason: (.*)$", out, re.M)
    check(m, "no refusal reasons")
    by_reason = {k: int(v) for k, v in re.findall(r"([\w.\[\]]+) (\d+)", m.group(1))}
    check(sum(by_reason.values()) == refused, f"refusal reasons {by_reason} do not add up to {refused}")
    m = re.search(r"^  groups opened: (\d+)(?: \((.*)\))?$", out, re.M)
    check(m, "no groups-opened line")
    opened = m.group(2).split(", ") if m.group(2) else []
    check(int(m.group(1)) == len(opened), "groups opened: count and names disagree")
    m = re.search(r"^  seated from the waitlist: (\d+); still waiting at the end: (\d+)$", out, re.M)
    check(m, "no waitlist line")
    seated, waiting = map(int, m.groups())
    check(seated + waiting <= waitlisted, "more seated and waiting than were waitlisted")
    m = re.search(r"^ritual: (\d+) completed, (\d+) reminded, (\d+) removed for not finishing it$", out, re.M)
    check(m, "no ritual line")
    completed, reminded, removed = map(int, m.groups())
    check(0 < completed <= admitted + seated, "ritual completions out of range")
    check(removed <= reminded, "more removed for the ritual than were reminded")
    m = re.search(r"^sanctions: warn (\d+), mute (\d+), remove (\d+), ban (\d+)$", out, re.M)
    check(m, "no sanctions line")
    warn, mute, remove, ban = map(int, m.groups())
    check(warn > 0 and ban > 0, "no warnings or no bans in 90 days with spammers and talkers")
    check(mute <= warn + ban + remove + mute, "impossible")
    m = re.search(r"^events: (\d+) applied, (\d+) duplicates ignored, (\d+) rejected \((.*)\)$", out, re.M)
    check(m, "no events line")
    applied, dups, rej = int(m.group(1)), int(m.group(2)), int(m.group(3))
    codes = {k: int(v) for k, v in re.findall(r"([A-Z_]+) (\d+)", m.group(4))}
    check(applied > 10000, f"only {applied} events applied")
    check(sum(codes.values()) == rej, "rejections by code do not add up")
    check(rej > 0 and dups > 0, "the deliberate bad events and retries left no trace")
    check(re.search(r"^html: .+\.html$", out, re.M), "no html line")

    # Leaderboard: the table is sorted and holds the top 3 of the summary.
    rows = page.tables.get("leaderboard")
    check(rows and len(rows) >= 4, "no leaderboard table")
    body = rows[1:]
    check(len(body) <= 10, "more than 10 rows on the leaderboard")
    scores = [int(r[4]) for r in body]
    check(scores == sorted(scores, reverse=True), f"leaderboard not sorted: {scores}")
    m = re.search(r"^top 3: (.*)$", out, re.M)
    check(m, "no top-3 line")
    top = re.findall(r"(\d)\. (\S+) \S+ \(\w+\) (-?\d+)", m.group(1))
    check(len(top) == 3, f"top 3 unreadable: {m.group(1)}")
    for (rank, member, score), row in zip(top, body):
        check(row[0] == rank and row[1] == member and row[4] == score,
              f"top-3 entry {member} does not match leaderboard row {row}")

    # Groups: every configured and opened group is in the health table; the
    # dying ones are the summary's.
    groups = page.tables.get("groups")
    check(groups and len(groups) >= 4, "no groups table")
    ids = [r[0].split(" ")[0] for r in groups[1:]]
    for g in ["lobby", "club", "ambassadors"] + opened:
        check(g in ids, f"group {g} missing from the health table")
    dying_rows = sorted(r[0].split(" ")[0] for r in groups[1:] if r[5].startswith("DYING"))
    m = re.search(r"^dying groups: (.*)$", out, re.M)
    check(m, "no dying-groups line")
    dying = [] if m.group(1) == "none" else sorted(re.findall(r"([\w-]+) \(participation", m.group(1)))
    check(dying == dying_rows, f"dying groups {dying} vs table {dying_rows}")
    for r in groups[1:]:
        n, cap = map(int, r[2].split(" / "))
        check(n <= cap, f"group {r[0]} over capacity")
        check(0 <= float(r[4]) <= 100, f"health of {r[0]} out of range")
    print(f"check_report: ok ({apps} applications, {applied} events, {page.counts.get('svg')} charts)")


main()
