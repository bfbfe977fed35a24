"""Writes docs/samples/placement-sample.csv (GB18030, Chinese headers) and .xlsx (English).

Run: .venv/bin/python -m benchmarks.make_samples — the files are committed; rerun only
to change them. Row 7 of the CSV is bad on purpose (wrong ID check digit), row 12 is a
Hong Kong residence permit (imported with a warning).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import openpyxl

from cases.intake.columns import FIELDS
from collections_office.id_numbers import resident_id_with_check

ROOT = Path(__file__).resolve().parent.parent / "docs" / "samples"
NAMES = [
    "王伟",
    "李娜",
    "张敏",
    "刘洋",
    "陈静",
    "杨磊",
    "黄丽",
    "赵强",
    "吴芳",
    "周杰",
    "徐秀英",
    "孙涛",
    "马超",
    "朱明",
    "胡艳",
    "郭勇",
    "何娟",
    "高军",
    "林霞",
    "罗平",
]
CITIES = [
    ("310115", "上海市浦东新区世纪大道", "021"),
    ("110105", "北京市朝阳区建国路", "010"),
    ("440305", "深圳市南山区科技园路", "0755"),
    ("330106", "杭州市西湖区文三路", "0571"),
]
CN_HEADER = [
    "账号",
    "客户姓名",
    "身份证号",
    "联系电话",
    "地址",
    "本金",
    "利息",
    "费用",
    "币种",
    "逾期日期",
    "产品",
    "卡号",
]
# The English header: our field names.
EN_HEADER = list(FIELDS)


def resident_id(region: str, born: dt.date, sequence: int) -> str:
    return resident_id_with_check(f"{region}{born:%Y%m%d}{sequence:03d}")


def rows(prefix: str, seed: int) -> list[list]:
    rng = random.Random(seed)
    out = []
    for number, name in enumerate(NAMES, start=1):
        region, street, area = CITIES[number % len(CITIES)]
        born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(12000))
        id_number = resident_id(region, born, rng.randrange(1000))
        phones = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        if number % 3 == 0:
            phones += f";{area}-{rng.randrange(6, 9)}{rng.randrange(10**7):07d}"
        out.append(
            [
                f"{prefix}{number:010d}",
                name,
                id_number,
                phones,
                f"{street}{rng.randrange(1, 500)}号{rng.randrange(1, 30)}0室",
                f"{rng.randrange(5_000, 200_000)}.{rng.randrange(100):02d}",
                f"{rng.randrange(0, 9_000)}.{rng.randrange(100):02d}",
                f"{rng.randrange(0, 500)}.00",
                "CNY",
                f"{dt.date(2026, 10, 1) - dt.timedelta(days=rng.randrange(20, 400)):%Y-%m-%d}",
                rng.choice(["信用卡", "消费贷", "信用卡分期"]),
                f"622588{rng.randrange(10**10):010d}" if number % 2 else "",
            ]
        )
    out[5][2] = out[5][2][:-1] + ("0" if out[5][2][-1] != "0" else "1")  # row 7: bad ID
    out[10][2] = resident_id("810000", dt.date(1988, 8, 8), 123)  # row 12: HK permit
    return out


def main() -> None:
    ROOT.mkdir(parents=True, exist_ok=True)
    with open(ROOT / "placement-sample.csv", "w", encoding="gb18030", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CN_HEADER)
        writer.writerows(rows("6225880", 2026))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "placement"
    sheet.append(EN_HEADER)
    for values in rows("6225881", 2027):
        values[5:8] = [float(v) for v in values[5:8]]  # amounts as numbers, as Excel keeps them
        values[9] = dt.date.fromisoformat(values[9])  # a real Excel date cell
        sheet.append(values)
    workbook.save(ROOT / "placement-sample.xlsx")


if __name__ == "__main__":
    main()
