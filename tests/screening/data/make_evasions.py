#!/usr/bin/env python3
"""Writes evasions.tsv: every list word disguised by every transformation
the screener claims to undo, placed in an ordinary sentence, plus contact
details written the ways Chinese groups write them (ids, phone and QQ
numbers, e-mail addresses plain and spelled out).

Columns: sentence, the disguised part, expected category, transformation.
Deterministic (fixed seed). Needs OpenCC's `opencc` tool for the
traditional-character variants. Usage: make_evasions.py > evasions.tsv
"""
import pathlib
import random
import subprocess
import sys

HERE = pathlib.Path(__file__).parent
LISTS = {
    "abuse": ["words_en_abuse.txt", "words_zh_abuse.txt"],
    "indecent": ["words_en_indecent.txt", "words_zh_indecent.txt"],
    "gambling": ["words_zh_gambling.txt"],
    "advertising": ["words_advertising.txt"],
}

CYRILLIC = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і", "s": "ѕ", "h": "һ", "k": "к"}
GREEK = {"o": "ο", "v": "ν", "i": "ι", "k": "κ", "t": "τ", "u": "υ", "n": "η"}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "b": "8"}
ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "c": "ç", "n": "ñ"}


def read(name):
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [w for w in lines if w and not w.startswith("#")]


def is_latin(word):
    return all(c.isascii() for c in word)


def swap(word, table, every=False):
    out, done = [], False
    for c in word:
        if c in table and (every or not done):
            out.append(table[c])
            done = True
        else:
            out.append(c)
    return "".join(out) if done else None


def fullwidth(w):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in w)


def circled(w):
    return "".join(chr(0x24D0 + ord(c) - ord("a")) if "a" <= c <= "z" else c for c in w)


def math_script(w):
    return "".join(chr(0x1D4EA + ord(c) - ord("a")) if "a" <= c <= "z" else c for c in w)


def latin_variants(word):
    letters = word.replace(" ", "")
    v = {
        "upper": word.upper(),
        "mixed case": "".join(c.upper() if i % 2 else c for i, c in enumerate(word)),
        "dotted": ".".join(letters),
        "spaced": " ".join(letters),
        "starred": "*".join(letters),
        "repeated": word[:-1] + word[-1] * 4 if word[-1] != " " else None,
        "zero-width": "\u200b".join(letters),
        "combining": "".join(c + "\u0301" for c in letters),
        "emoji": letters[: len(letters) // 2] + "🔥" + letters[len(letters) // 2 :],
        # A word all of whose letters became digits is a number, which the
        # screener leaves alone on purpose ("455" is not "ass").
        "leet": swap(word, LEET, every=True) if any(c.isalpha() and c not in LEET for c in word) else None,
        "cyrillic": swap(word, CYRILLIC, every=True),
        "greek": swap(word, GREEK, every=True),
        "accents": swap(word, ACCENTS, every=True),
        "full-width": fullwidth(word),
        "circled": circled(word),
        "math script": math_script(word),
    }
    if " " in word:  # spelled-out forms join the words into one
        for k in ("dotted", "spaced", "starred", "zero-width", "combining", "emoji"):
            v[k] = None
    return {k: x for k, x in v.items() if x and x != word}


def traditional(words):
    out = subprocess.run(["opencc", "-c", "s2t.json"], input="\n".join(words),
                         capture_output=True, text=True, check=True).stdout.splitlines()
    return dict(zip(words, out))


def cjk_variants(word, trad):
    v = {
        "spaced": " ".join(word),
        "symbols": "★".join(word),
        "heart": "♥".join(word),
        "zero-width": "\u200b".join(word),
        "emoji": word[:1] + "😊" + word[1:],
        "traditional": trad.get(word),
        "traditional spaced": " ".join(trad.get(word, "")),
    }
    return {k: x for k, x in v.items() if x and x != word and x.strip()}


EN_SENTENCES = ["hey {} lol", "you are such a {} honestly", "{} is what i said", "check this {} out",
                "no way, {}!", "well {} then"]
ZH_SENTENCES = ["你这个{}啊", "他说{}了", "今天{}真多", "{}，懂的来", "别再说{}了"]


def contact_lines(rng):
    ids = ["dave2026", "lily_88", "kk123456", "abc12345", "joy666888"]
    phones = ["13812345678", "15987654321", "17298142262", "18600001111"]
    zh = dict(zip("0123456789", "零一二三四五六七八九"))
    big = dict(zip("0123456789", "零壹贰叁肆伍陆柒捌玖"))
    circ = dict(zip("0123456789", "⓪①②③④⑤⑥⑦⑧⑨"))
    out = []
    for i in ids:
        out += [(f"加V {i} 有惊喜", f"V {i}", "wechat"), (f"加vx：{i}", f"vx：{i}", "wechat"),
                (f"加 v x ： {' '.join(i)}", f"v x ： {' '.join(i)}", "wechat"),
                (f"微 信 {' '.join(i)} 了解一下", f"信 {' '.join(i)}", "wechat"),
                (f"威信 {i}", f"威信 {i}", "wechat"), (f"薇信号{i}", f"薇信号{i}", "wechat"),
                (f"微♥信 {i}", f"微♥信 {i}", "wechat"), (f"加薇 {i}", f"加薇 {i}", "wechat"),
                (f"weixin {i} 详聊", f"weixin {i}", "wechat"), (f"add wx {i} for deals", f"wx {i}", "wechat"),
                (f"my wechat is {i}", f"wechat is {i}", "wechat")]
    for p in phones:
        spaced = f"{p[:3]} - {p[3:7]} - {p[7:]}"
        out += [(f"电话 {p} 随时", p, "phone"), (f"call {spaced} now", spaced, "phone"),
                ("电话" + "".join(zh[d] for d in p) + "找我", "".join(zh[d] for d in p), "phone"),
                ("打" + "".join(big[d] for d in p) + "咨询", "".join(big[d] for d in p), "phone"),
                ("手机" + "".join(circ[d] for d in p), "".join(circ[d] for d in p), "phone"),
                ("电话：" + "".join(fullwidth(d) for d in p), "".join(fullwidth(d) for d in p), "phone"),
                ("电话 " + " ".join(p), " ".join(p), "phone"),
                ("电话 " + "".join(zh[d] if n % 2 else d for n, d in enumerate(p)),
                 "".join(zh[d] if n % 2 else d for n, d in enumerate(p)), "phone")]
    for q in ["123456789", "98765432", "5201314"]:
        out += [(f"扣扣 {q} 拉你进群", f"扣扣 {q}", "qq"), (f"企鹅号：{q}", f"企鹅号：{q}", "qq"),
                (f"qq {' '.join(q)}", f"qq {' '.join(q)}", "qq"),
                ("扣扣" + "".join(zh[d] for d in q), "扣扣" + "".join(zh[d] for d in q), "qq")]
    for local, name, tld in [("dave2026", "qq", "com"), ("lily_88", "163", "com"), ("kk.123456", "gmail", "com"),
                             ("joy666888", "sina", "cn")]:
        addresses = [f"{local}@{name}.{tld}", f"{local}＠{name}.{tld}", f"{local}@{name}。{tld}",
                     f"{local} @ {name} . {tld}", f"{local} at {name} dot {tld}", f"{local} AT {name} DOT {tld}",
                     f"{local}[at]{name}[dot]{tld}", f"{local} (at) {name} (dot) {tld}", f"{local}艾特{name}点{tld}",
                     f"{local} at {name}.{tld}", fullwidth(f"{local}@{name}.{tld}"),
                     f"{local}@{name}.{tld}".upper()]
        for a in addresses:
            template = rng.choice(["mail me at {} for the price", "邮箱 {} 联系我", "write to {}!", "{}，私聊"])
            out.append((template.format(a), a, "email"))
    for phrase in ["私聊我", "扫码进群", "扫一扫加我", "add me on snap", "scan the qr code to join", "dm me for price"]:
        out.append((f"{phrase} 优惠多多", phrase.split()[0] if phrase.startswith(("add", "dm")) else phrase,
                    "solicitation"))
    return [(s, part, "poaching", f"contact:{kind}") for s, part, kind in out]


def main():
    rng = random.Random(20261207)
    rows = []
    cjk_words = [w for files in LISTS.values() for f in files for w in read(f) if not is_latin(w)]
    trad = traditional(cjk_words)
    for category, files in LISTS.items():
        for f in files:
            for word in read(f):
                variants = latin_variants(word.lower()) if is_latin(word) else cjk_variants(word, trad)
                for kind, variant in sorted(variants.items()):
                    template = rng.choice(EN_SENTENCES if is_latin(word) else ZH_SENTENCES)
                    rows.append((template.format(variant), variant, category, kind))
    rows += contact_lines(rng)
    w = sys.stdout
    w.write("# sentence\tdisguised part\tcategory\ttransformation (generated by make_evasions.py)\n")
    for r in rows:
        assert all("\t" not in x and "\n" not in x for x in r), r
        w.write("\t".join(r) + "\n")


if __name__ == "__main__":
    main()
