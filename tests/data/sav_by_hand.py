"""SPSS files written byte by byte from the format's documentation (PSPP's "System File
Format"), for what R's haven and pyreadstat cannot write: a Windows-1251 file (code page
in the integer-info record, no encoding record), multiple-response sets (a dichotomy and a
category set), and two broken files (a value-label record naming variable 99 of 8, and an
MR set naming a variable the file lacks).

Run from the crate root:  python3 tests/data/sav_by_hand.py
Writes tests/data/sav_1251.sav, sav_bad_label_index.sav, sav_bad_mr_set.sav, and
sav_kz1048.sav (Kazakh labels in KZ-1048, named by an encoding record) and
sav_bad_encoding.sav (an encoding record naming an encoding that does not exist).
The data and labels below are what tests/integration/formats.rs expects to read.
"""
import struct

ENC = "cp1251"

# name, width (0 = numeric), variable label, value labels, discrete missing values
VARS = [
    ("region", 0, "Регион", {1: "Север", 2: "Юг"}, []),
    ("q1", 0, "Довольны ли вы?", {1: "Да", 2: "Нет", 9: "Затрудняюсь ответить"}, [9]),
    ("o1", 0, "Газеты", {}, []),
    ("o2", 0, "Телевидение", {}, []),
    ("o3", 0, "Интернет", {}, []),
    ("c1", 0, "Первый выбор", {1: "Газеты", 2: "Телевидение", 3: "Интернет"}, []),
    ("c2", 0, "Второй выбор", {1: "Газеты", 2: "Телевидение", 3: "Интернет"}, []),
    ("city", 8, "Город", {}, []),
]
ROWS = [
    (1, 1, 1, 0, 1, 1, 3, "Алматы"),
    (1, 2, 0, 1, 0, 2, None, "Астана"),
    (2, 9, 1, 1, 1, 3, 1, "Алматы"),
    (2, 1, 0, 0, 0, 2, 3, "Шымкент"),
    (1, None, 1, 0, 0, 1, None, "Астана"),
    (2, 2, 0, 0, 1, 3, 2, "Алматы"),
]
MR_SETS = [("opts", "D", "Источники информации", ["o1", "o2", "o3"]),
           ("choices", "C", "Выбор", ["c1", "c2"])]
SYSMIS = -1.7976931348623157e308


def pad(b, n):
    return b + b" " * (n - len(b))


def i32(*xs):
    return struct.pack("<" + "i" * len(xs), *xs)


def f64(*xs):
    return struct.pack("<" + "d" * len(xs), *xs)


def write(path, label_index=None, mr_sets=MR_SETS, encoding=None):
    """encoding: None for code page 1251 alone; else (record name, Python codec)."""
    global ENC
    ENC = encoding[1] if encoding else "cp1251"
    out = bytearray()
    out += b"$FL2" + pad(b"@(#) SPSS DATA FILE survey-stats test", 60)
    out += i32(2, len(VARS), 0, 0, len(ROWS)) + f64(100.0)
    out += b"01 Jan 26" + b"00:00:00" + pad("Тест".encode(ENC), 64) + b"\0\0\0"
    for name, width, label, _, missing in VARS:
        fmt = (1 << 16) | (8 << 8) if width else (5 << 16) | (8 << 8)
        # Short names upper case, as SPSS writes them; the long names follow (subtype 13).
        out += i32(2, width, 1, len(missing), fmt, fmt) + pad(name.upper().encode(), 8)
        lab = label.encode(ENC)
        out += i32(len(lab)) + lab + b" " * (-len(lab) % 4)
        out += b"".join(f64(m) for m in missing)
    for k, (_, _, _, values, _) in enumerate(VARS):
        if not values:
            continue
        out += i32(3, len(values))
        for code, text in values.items():
            t = text.encode(ENC)
            out += f64(code) + bytes([len(t)]) + t + b" " * (-(len(t) + 1) % 8)
        out += i32(4, 1, label_index if label_index and k == 1 else k + 1)
    out += i32(7, 3, 4, 8, 22, 0, 0, -1, 1, 1, 2, 1251)
    out += i32(7, 4, 8, 3) + f64(SYSMIS, 1.7976931348623157e308, -1.7976931348623155e308)
    text = b""
    for name, kind, label, members in mr_sets:
        lab = label.encode(ENC)
        head = b"D1 1 " if kind == "D" else b"C "
        text += b"$" + name.encode() + b"=" + head + str(len(lab)).encode() + b" " + lab
        text += b" " + b" ".join(m.upper().encode() for m in members) + b"\n"
    out += i32(7, 7, 1, len(text)) + text
    if encoding:
        out += i32(7, 20, 1, len(encoding[0])) + encoding[0].encode()
    names = b"\t".join(n.upper().encode() + b"=" + n.encode() for n, *_ in VARS)
    out += i32(7, 13, 1, len(names)) + names
    out += i32(999, 0)
    for row in ROWS:
        for (name, width, *_), v in zip(VARS, row):
            if width:
                out += pad(v.encode(ENC), 8)
            else:
                out += f64(SYSMIS if v is None else float(v))
    with open(path, "wb") as f:
        f.write(out)


write("tests/data/sav_1251.sav")
write("tests/data/sav_bad_label_index.sav", label_index=99)
write("tests/data/sav_bad_mr_set.sav",
      mr_sets=[("opts", "D", "Источники", ["o1", "o2", "o9"])])
# Kazakh letters (Ө, ң, ү, Қ) exist in KZ-1048, not in Windows-1251.
VARS[0] = ("region", 0, "Өңір", {1: "Солтүстік", 2: "Оңтүстік"}, [])
VARS[7] = ("city", 8, "Қала", {}, [])
ROWS = [r[:7] + ({"Алматы": "Өскемен"}.get(r[7], r[7]),) for r in ROWS]
write("tests/data/sav_kz1048.sav", encoding=("KZ-1048", "kz1048"))
write("tests/data/sav_bad_encoding.sav", encoding=("x-no-such-encoding", "kz1048"))
