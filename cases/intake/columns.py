"""The bank's header names → our fields.

Each bank may have a `Bank.column_mapping` ({"their header": "our field"}); it is
applied over the default mapping below, which accepts our English field names and
the headers Chinese banks commonly use. Headers are compared after normalising
width, case, spaces, underscores and a trailing note in brackets, so "Account No",
"account_no" and "账号（必填）" all match.

A mapping value of "" (or null) means "ignore this column": banks often send
columns we have no use for, and an unknown column otherwise fails the file, so
that a renamed column is never silently dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from cases.intake import PlacementFileError

# Our fields, with the label used in messages when the bank's header is not known.
FIELDS: dict[str, str] = {
    "account_no": "account number",
    "debtor_name": "debtor name",
    "id_number": "ID number",
    "phones": "phones",
    "address": "address",
    "principal": "principal",
    "interest": "interest",
    "fees": "fees",
    "currency": "currency",
    "overdue_since": "overdue since",
    "product": "product",
    "card_no": "card number",
}
REQUIRED_FIELDS = ("account_no", "debtor_name")
_REQUIRED_EXAMPLES = {"account_no": "account_no / 账号", "debtor_name": "debtor_name / 姓名"}

_DEFAULT_HEADERS: dict[str, tuple[str, ...]] = {
    "account_no": (
        "account_no",
        "account number",
        "account",
        "acct no",
        "loan account",
        "账号",
        "賬號",
        "账户",
        "账户号",
        "账户号码",
        "帐号",
        "帳號",
        "贷款账号",
        "借据号",
        "合同号",
        "客户账号",
    ),
    "debtor_name": (
        "debtor_name",
        "debtor",
        "name",
        "customer name",
        "姓名",
        "客户姓名",
        "客戶姓名",
        "借款人",
        "借款人姓名",
        "持卡人",
        "持卡人姓名",
        "债务人",
        "債務人",
    ),
    "id_number": (
        "id_number",
        "id no",
        "national id",
        "id card",
        "身份证号",
        "身份证号码",
        "身份證號",
        "身份證號碼",
        "证件号码",
        "證件號碼",
        "证件号",
        "身份证",
    ),
    "phones": (
        "phones",
        "phone",
        "phone numbers",
        "mobile",
        "telephone",
        "电话",
        "電話",
        "手机",
        "手機",
        "手机号",
        "手机号码",
        "联系电话",
        "聯繫電話",
        "联系方式",
        "电话号码",
    ),
    "address": (
        "address",
        "地址",
        "住址",
        "家庭地址",
        "家庭住址",
        "联系地址",
        "聯繫地址",
        "通讯地址",
        "户籍地址",
    ),
    "principal": ("principal", "本金", "欠款本金", "逾期本金", "剩余本金"),
    "interest": ("interest", "利息", "逾期利息", "欠款利息"),
    "fees": ("fees", "fee", "费用", "費用", "滞纳金", "手续费", "违约金"),
    "currency": ("currency", "币种", "幣種", "货币"),
    "overdue_since": (
        "overdue_since",
        "overdue date",
        "overdue from",
        "逾期日期",
        "逾期起始日",
        "逾期开始日期",
        "逾期起始日期",
        "首次逾期日期",
        "逾期日",
    ),
    "product": ("product", "产品", "產品", "产品名称", "产品类型", "业务类型", "卡种"),
    "card_no": ("card_no", "card number", "card", "卡号", "卡號", "信用卡号", "银行卡号"),
}

# A card security code must never be sent to, or stored by, the agency (PCI DSS).
_SECURITY_CODE = re.compile(
    r"cvv|cvc|cvn|cav2|cvd|securitycode|cardverification|安全码|安全碼|校验码|校驗碼|"
    r"验证码|驗證碼|卡背|后三位|後三位"
)
_TRAILING_NOTE = re.compile(r"\([^)]*\)$")
_NOISE = re.compile(r"[\s_\-.*:：/]+")


def normalise_header(header: str) -> str:
    text = unicodedata.normalize("NFKC", str(header or "")).strip().casefold()
    text = _TRAILING_NOTE.sub("", text)  # "本金（元）" → "本金" (NFKC made the brackets ASCII)
    return _NOISE.sub("", text)


DEFAULT_MAPPING: dict[str, str] = {
    normalise_header(header): field
    for field, headers in _DEFAULT_HEADERS.items()
    for header in headers
}


@dataclass(frozen=True)
class FieldSet:
    """The fields of one kind of bank file (placements, repayments) and how headers map."""

    name: str  # "placement", "repayment": which mapping values of the bank's apply
    labels: dict[str, str]  # field → the label used in messages
    required: tuple[str, ...]
    examples: dict[str, str]  # required field → example headers for the message
    default_mapping: dict[str, str]  # normalised header → field ("" = ignore)
    # "Unknown column “%(header)s”. …" listing the file's fields.
    unknown_column: str
    # Whether a bank mapping value outside `labels` is an error (the placement mapping
    # is the bank's own) or only not for this kind of file (skipped).
    strict_bank_mapping: bool = True


@dataclass(frozen=True)
class ColumnPlan:
    """Which position of a row holds which field, and the bank's name for each."""

    positions: dict[str, int]  # field → column index
    headers: dict[str, str]  # field → the bank's header text (for messages)
    width: int  # number of header cells, incl. ignored ones
    ignored: frozenset[int]  # column indexes the bank's mapping says to ignore
    labels: dict[str, str] = field(default_factory=lambda: FIELDS)

    def header_for(self, field_name: str) -> str:
        return self.headers.get(field_name, self.labels[field_name])


PLACEMENT_FIELDS = FieldSet(
    name="placement",
    labels=FIELDS,
    required=REQUIRED_FIELDS,
    examples=_REQUIRED_EXAMPLES,
    default_mapping=DEFAULT_MAPPING,
    unknown_column=_(
        "Unknown column “%(header)s”. Rename it to one of the placement fields "
        "(account number, debtor name, ID number, phones, address, principal, "
        "interest, fees, currency, overdue since, product, card number), or ask "
        "the agency to add it to your column mapping."
    ),
)


def plan_columns(
    header: list[str], bank_mapping: dict | None, fields: FieldSet = PLACEMENT_FIELDS
) -> ColumnPlan:
    """Builds the column plan, or raises PlacementFileError naming the column."""
    labels = fields.labels
    mapping = dict(fields.default_mapping)
    for their_header, target in (bank_mapping or {}).items():
        if target and target not in labels:
            if not fields.strict_bank_mapping:
                # A placement field: not in this kind of file, the column is ignored.
                mapping[normalise_header(their_header)] = ""
                continue
            raise PlacementFileError(
                _(
                    "The bank's column mapping sends “%(header)s” to “%(field)s”, "
                    "which is not a placement field."
                )
                % {"header": their_header, "field": target},
                column=str(their_header),
            )
        mapping[normalise_header(their_header)] = target or ""

    # Trailing empty header cells are what spreadsheets leave behind.
    while header and not str(header[-1] or "").strip():
        header = header[:-1]
    if not header:
        raise PlacementFileError(_("The file has no header row."))

    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: set[int] = set()
    for index, cell in enumerate(header):
        text = str(cell or "").strip()
        key = normalise_header(text)
        if _SECURITY_CODE.search(key):
            raise PlacementFileError(
                _(
                    "Column “%(header)s” looks like a card security code (CVV/CVN). "
                    "Security codes must never be sent: the whole file is rejected and "
                    "deleted. Please remove the column and upload the file again."
                )
                % {"header": text},
                column=text,
                forbidden_data=True,
            )
        if not key:
            raise PlacementFileError(
                _("Column %(number)s has no header name.") % {"number": index + 1},
                column=str(index + 1),
            )
        if key not in mapping:
            raise PlacementFileError(fields.unknown_column % {"header": text}, column=text)
        target = mapping[key]
        if not target:
            ignored.add(index)
            continue
        if target in positions:
            raise PlacementFileError(
                _("Columns “%(first)s” and “%(second)s” both give the %(field)s.")
                % {"first": headers[target], "second": text, "field": labels[target]},
                column=text,
            )
        positions[target] = index
        headers[target] = text

    for required in fields.required:
        if required not in positions:
            raise PlacementFileError(
                _("The required column “%(field)s” is missing (e.g. “%(example)s”).")
                % {"field": labels[required], "example": fields.examples[required]},
                column=labels[required],
            )
    return ColumnPlan(
        positions=positions,
        headers=headers,
        width=len(header),
        ignored=frozenset(ignored),
        labels=labels,
    )


# --- Repayment files ---------------------------------------------------------------------

REPAYMENT_LABELS: dict[str, str] = {
    "account_no": "account number",
    "amount": "amount",
    "paid_on": "paid on",
    "reference": "reference",
}

_REPAYMENT_HEADERS: dict[str, tuple[str, ...]] = {
    "account_no": _DEFAULT_HEADERS["account_no"],
    "amount": (
        "amount",
        "repayment amount",
        "repaid amount",
        "paid amount",
        "payment amount",
        "金额",
        "金額",
        "还款金额",
        "還款金額",
        "实还金额",
        "實還金額",
        "回款金额",
        "入账金额",
        "还款额",
        "交易金额",
    ),
    "paid_on": (
        "paid_on",
        "paid on",
        "date",
        "paid date",
        "payment date",
        "repayment date",
        "value date",
        "日期",
        "还款日期",
        "還款日期",
        "实还日期",
        "回款日期",
        "入账日期",
        "交易日期",
        "还款日",
    ),
    "reference": (
        "reference",
        "ref",
        "reference no",
        "transaction id",
        "transaction no",
        "流水号",
        "流水號",
        "交易流水号",
        "还款流水号",
        "交易编号",
        "参考号",
        "凭证号",
        "交易参考号",
    ),
}

# A repayment file may carry the placement columns a bank's export includes (the
# debtor's name, balances …): they are ignored, as the bank has no use in sending
# them and we none in keeping them; any other unknown column still fails the file.
_REPAYMENT_MAPPING: dict[str, str] = {
    header: "" for header, target in DEFAULT_MAPPING.items() if target != "account_no"
}
_REPAYMENT_MAPPING.update(
    {
        normalise_header(header): target
        for target, headers in _REPAYMENT_HEADERS.items()
        for header in headers
    }
)

REPAYMENT_FIELDS = FieldSet(
    name="repayment",
    labels=REPAYMENT_LABELS,
    required=("account_no", "amount", "paid_on", "reference"),
    examples={
        "account_no": "account_no / 账号",
        "amount": "amount / 还款金额",
        "paid_on": "paid_on / 还款日期",
        "reference": "reference / 交易流水号",
    },
    default_mapping=_REPAYMENT_MAPPING,
    unknown_column=_(
        "Unknown column “%(header)s”. Rename it to one of the repayment fields "
        "(account number, amount, paid on, reference)."
    ),
    strict_bank_mapping=False,
)
