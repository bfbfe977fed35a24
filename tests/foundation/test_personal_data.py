"""Encrypted personal data: round trip, ciphertext at rest (history too), hash lookup,
wrong keys fail loudly, key rotation; and the masking helpers."""

import base64
import os
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection

from collections_office import personal_data
from collections_office.personal_data import (
    PersonalDataDecryptionError,
    keyed_hash,
    mask_card_number,
    mask_id_number,
    mask_phone,
)

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"
# The same ID number as people type it: lower-case x, spaces, dashes, full-width digits.
ID_NUMBER_AS_TYPED = [
    ID_NUMBER,
    "11010519491231002x",
    " 110105 19491231 002X ",
    "110105-19491231-002X",
    "１１０１０５１９４９１２３１００２Ｘ",
]


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


@pytest.fixture
def personal_data_model(db):
    """A model with encrypted fields and history; tables live only in this test's transaction."""
    from tests.foundation.models_for_tests import PersonalDataSpecimen

    with connection.schema_editor() as editor:
        editor.create_model(PersonalDataSpecimen)
        editor.create_model(PersonalDataSpecimen.history.model)
    return PersonalDataSpecimen


@pytest.fixture
def old_key(settings):
    key = new_key()
    settings.FIELD_ENCRYPTION_KEYS = [key]
    return key


def raw_values(model, column: str, *, history: bool = False) -> list:
    target = model.history.model if history else model
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM "  # noqa: S608
            f"{connection.ops.quote_name(target._meta.db_table)} ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def test_values_round_trip_and_an_empty_value_stays_empty(personal_data_model):
    person = personal_data_model.objects.create(name="Li", id_number=ID_NUMBER, phone=PHONE)
    reloaded = personal_data_model.objects.get(pk=person.pk)
    assert reloaded.id_number == ID_NUMBER
    assert reloaded.phone == PHONE

    empty = personal_data_model.objects.create(name="Wu", id_number="", phone=None)
    reloaded = personal_data_model.objects.get(pk=empty.pk)
    assert reloaded.id_number == ""
    assert reloaded.phone is None
    assert reloaded.id_number_hash == ""


def test_the_table_and_the_history_table_hold_ciphertext_only(personal_data_model):
    person = personal_data_model.objects.create(name="Li", id_number=ID_NUMBER, phone=PHONE)
    person.phone = "13900001111"
    person.save()

    stored = raw_values(personal_data_model, "id_number") + raw_values(personal_data_model, "phone")
    in_history = raw_values(personal_data_model, "id_number", history=True) + raw_values(
        personal_data_model, "phone", history=True
    )
    assert len(in_history) == 4  # two history rows (create + change), two columns each
    for raw in stored + in_history:
        assert personal_data.looks_encrypted(raw), raw
        for plaintext in (ID_NUMBER, PHONE, "13900001111", "19491231"):
            assert plaintext not in raw
    # Same plaintext, different ciphertext each time (random nonce).
    assert len(set(raw_values(personal_data_model, "id_number", history=True))) == 2
    # And the history model reads them back as plaintext.
    phones = [record.phone for record in person.history.order_by("history_date")]
    assert phones == [PHONE, "13900001111"]


def test_lookup_by_keyed_hash_ignores_case_spaces_and_dashes(personal_data_model):
    person = personal_data_model.objects.create(name="Li", id_number=ID_NUMBER)
    personal_data_model.objects.create(name="Other", id_number="110105194912310038")

    for typed in ID_NUMBER_AS_TYPED:
        found = personal_data_model.objects.filter(id_number_hash=keyed_hash(typed))
        assert list(found) == [person]
    assert raw_values(personal_data_model, "id_number_hash")[0] != ID_NUMBER
    assert not personal_data_model.objects.filter(id_number_hash=keyed_hash("110105194912310046"))


def test_the_hash_changes_when_the_value_changes(personal_data_model):
    person = personal_data_model.objects.create(name="Li", id_number=ID_NUMBER)
    person.id_number = "110105194912310038"
    person.save()
    # The saved instance carries the hash it wrote (its history row and later reads use it).
    assert person.id_number_hash == keyed_hash("110105194912310038")
    assert personal_data_model.objects.get(id_number_hash=keyed_hash("110105194912310038")) == (
        person
    )
    assert not personal_data_model.objects.filter(id_number_hash=keyed_hash(ID_NUMBER)).exists()


def test_the_hash_depends_on_the_hash_key(settings):
    first = keyed_hash(ID_NUMBER)
    settings.FIELD_HASH_KEY = "another-hash-key-of-at-least-32-characters"
    assert keyed_hash(ID_NUMBER) != first
    assert len(first) == 64 and ID_NUMBER not in first


def test_reading_with_a_wrong_key_raises_and_never_returns_ciphertext(
    personal_data_model, settings, old_key
):
    person = personal_data_model.objects.create(name="Li", id_number=ID_NUMBER, phone=PHONE)

    settings.FIELD_ENCRYPTION_KEYS = [new_key()]
    with pytest.raises(PersonalDataDecryptionError):
        personal_data_model.objects.get(pk=person.pk)
    with pytest.raises(PersonalDataDecryptionError):
        list(personal_data_model.history.all())
    with pytest.raises(PersonalDataDecryptionError):
        list(personal_data_model.objects.values_list("phone", flat=True))


def test_tampered_or_plaintext_columns_raise_instead_of_being_shown(personal_data_model):
    person = personal_data_model.objects.create(name="Li", id_number=ID_NUMBER, phone=PHONE)
    [token] = raw_values(personal_data_model, "phone")
    table = connection.ops.quote_name(personal_data_model._meta.db_table)
    flipped = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    for bad in (flipped, PHONE, "g1.not-base64!!"):
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET phone = %s", [bad])  # noqa: S608
        with pytest.raises(PersonalDataDecryptionError):
            personal_data_model.objects.get(pk=person.pk)


def test_decrypt_refuses_anything_but_a_token():
    with pytest.raises(PersonalDataDecryptionError):
        personal_data.decrypt(PHONE)
    assert personal_data.decrypt(personal_data.encrypt(PHONE)) == PHONE


@pytest.mark.parametrize("stored", [None, 42, b"g1.bytes-not-text"], ids=["none", "int", "bytes"])
def test_decrypt_refuses_what_is_not_text_with_the_same_clear_error(stored):
    with pytest.raises(PersonalDataDecryptionError) as refused:
        personal_data.decrypt(stored)
    assert str(refused.value) == "Stored value is not encrypted personal data"


def test_each_reason_a_stored_value_cannot_be_read_is_named(settings, old_key):
    """The operator who meets the error learns which it is: not a token, a damaged
    token, a key that is missing from the settings, or a token that fails its check."""
    token = personal_data.encrypt(PHONE)
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    reasons = {
        PHONE: "Stored value is not encrypted personal data",
        "g1.not-base64!!": "Stored personal data is corrupt",
        "g1.数据": "Stored personal data is corrupt",
        tampered: "Stored personal data failed authentication (wrong key or tampered data)",
    }
    for stored, reason in reasons.items():
        with pytest.raises(PersonalDataDecryptionError) as refused:
            personal_data.decrypt(stored)
        assert str(refused.value) == reason, stored

    settings.FIELD_ENCRYPTION_KEYS = [new_key()]
    with pytest.raises(PersonalDataDecryptionError) as refused:
        personal_data.decrypt(token)
    assert str(refused.value) == (
        "Stored personal data was encrypted with a key that is not in FIELD_ENCRYPTION_KEYS"
    )
    with pytest.raises(PersonalDataDecryptionError) as refused:
        personal_data.decrypt_bytes(b"%PDF-1.4 a plain scan")
    assert str(refused.value) == "File is not an encrypted attachment"


def test_an_empty_value_is_stored_empty_and_found_as_empty(personal_data_model):
    """Not encrypted: an empty column stays "" in the table, so asking for the rows
    without an ID number (the one search an encrypted column allows) finds them."""
    empty = personal_data_model.objects.create(name="Wu", id_number="", phone=PHONE)
    personal_data_model.objects.create(name="Li", id_number=ID_NUMBER, phone=PHONE)
    assert raw_values(personal_data_model, "id_number")[0] == ""
    assert list(personal_data_model.objects.filter(id_number="")) == [empty]


def test_a_keyed_hash_field_without_a_source_keeps_the_hash_its_writer_set():
    """Without `source`, the writer sets the hash itself (as `bulk_update` writers do)."""
    from types import SimpleNamespace

    from collections_office.personal_data import KeyedHashField

    field = KeyedHashField()
    field.set_attributes_from_name("lookup_hash")
    row = SimpleNamespace(lookup_hash=keyed_hash(PHONE))
    assert field.pre_save(row, add=True) == keyed_hash(PHONE)


def test_rotate_field_keys_re_encrypts_rows_and_history_so_only_the_new_key_is_needed(
    personal_data_model, settings, old_key
):
    people = [
        personal_data_model.objects.create(
            name=f"P{n}", id_number=f"1101051949123100{n:02d}", phone=f"138000000{n:02d}"
        )
        for n in range(7)
    ]
    people[0].phone = ""
    people[0].save()  # an empty value is left as it is
    before = raw_values(personal_data_model, "phone") + raw_values(
        personal_data_model, "id_number", history=True
    )

    current = new_key()
    settings.FIELD_ENCRYPTION_KEYS = [current, old_key]
    call_command("rotate_field_keys", batch_size=3, stdout=StringIO())

    after = raw_values(personal_data_model, "phone") + raw_values(
        personal_data_model, "id_number", history=True
    )
    assert all(raw == "" or personal_data.looks_encrypted(raw) for raw in after)
    assert not (set(before) - {""}) & set(after)  # every non-empty token was rewritten

    settings.FIELD_ENCRYPTION_KEYS = [current]
    for person in people:
        reloaded = personal_data_model.objects.get(pk=person.pk)
        assert reloaded.id_number == person.id_number
        assert reloaded.phone == person.phone
    history_phones = sorted(
        record.phone for record in personal_data_model.history.all() if record.phone
    )
    assert history_phones == sorted(f"138000000{n:02d}" for n in range(7))
    # The hash did not change, so lookups still work.
    assert (
        personal_data_model.objects.get(id_number_hash=keyed_hash("110105194912310003"))
        == (people[3])
    )

    # The old key alone no longer reads anything.
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    with pytest.raises(PersonalDataDecryptionError):
        personal_data_model.objects.get(pk=people[1].pk)


def test_rotate_field_keys_twice_changes_nothing_the_second_time(
    personal_data_model, settings, old_key
):
    personal_data_model.objects.create(name="Li", id_number=ID_NUMBER, phone=PHONE)
    settings.FIELD_ENCRYPTION_KEYS = [new_key(), old_key]
    call_command("rotate_field_keys", stdout=StringIO())
    first = raw_values(personal_data_model, "phone")

    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert raw_values(personal_data_model, "phone") == first
    assert "collections_office.PersonalDataSpecimen: 0 values re-encrypted in 1 rows" in (
        out.getvalue()
    )
    assert "Done: 0 values and 0 files re-encrypted." in out.getvalue()


def test_rotate_field_keys_stops_loudly_when_a_key_is_missing(
    personal_data_model, settings, old_key
):
    personal_data_model.objects.create(name="Li", id_number=ID_NUMBER, phone=PHONE)
    before = raw_values(personal_data_model, "phone")
    settings.FIELD_ENCRYPTION_KEYS = [new_key()]  # the old key was dropped too early
    with pytest.raises(CommandError, match="PersonalDataSpecimen"):
        call_command("rotate_field_keys", stdout=StringIO())
    assert raw_values(personal_data_model, "phone") == before


def test_rotate_field_keys_calls_each_apps_file_rotation(personal_data_model, monkeypatch):
    from staff.management.commands import rotate_field_keys
    from tests.foundation import key_rotation_for_tests

    monkeypatch.setattr(
        rotate_field_keys,
        "FILE_ROTATION_MODULES",
        ["tests.foundation.key_rotation_for_tests", "tests.foundation.no_such_module"],
    )
    key_rotation_for_tests.calls.clear()
    out = StringIO()
    call_command("rotate_field_keys", batch_size=7, stdout=out)
    assert key_rotation_for_tests.calls == [7]
    assert "tests.foundation.key_rotation_for_tests: 3 files re-encrypted" in out.getvalue()
    assert "and 3 files re-encrypted" in out.getvalue()


def test_encrypted_file_contents_rotate_to_the_new_key(settings, old_key):
    scan = b"%PDF-1.7 confidential scan"
    stored = personal_data.encrypt_bytes(scan)
    assert scan not in stored
    assert not personal_data.bytes_need_rotation(stored)

    current = new_key()
    settings.FIELD_ENCRYPTION_KEYS = [current, old_key]
    assert personal_data.bytes_need_rotation(stored)
    rotated = personal_data.rotate_bytes(stored)
    assert not personal_data.bytes_need_rotation(rotated)

    settings.FIELD_ENCRYPTION_KEYS = [current]
    assert personal_data.decrypt_bytes(rotated) == scan
    with pytest.raises(PersonalDataDecryptionError):
        personal_data.decrypt_bytes(stored)


def test_rotate_field_keys_covers_every_encrypted_column_of_every_model(personal_data_model):
    from staff.management.commands.rotate_field_keys import encrypted_tables

    tables = {table.label: table for table in encrypted_tables()}
    specimen = tables["collections_office.PersonalDataSpecimen"]
    assert set(specimen.columns) == {"id_number", "phone"}
    history = tables["collections_office.HistoricalPersonalDataSpecimen"]
    assert history.pk_column == "history_id"
    assert set(history.columns) == {"id_number", "phone"}
    # Every history model of a model with encrypted fields is covered too.
    for label in list(tables):
        model = apps.get_model(label)
        if hasattr(model, "history"):
            assert model.history.model._meta.label in tables


# --- Masking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (ID_NUMBER, "110105********002X"),
        ("110105194912310038", "110105********0038"),
        ("", ""),
        (None, ""),
    ],
)
def test_id_numbers_show_the_first_six_and_last_four(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [(PHONE, "*******5678"), ("021-12345678", "********5678"), ("", ""), ("123", "*23")],
)
def test_phones_show_the_last_four_only(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("6222021234567890123", "622202*********0123"),
        ("6222 0212 3456 7890", "622202******7890"),
        ("4111-1111-1111-1111", "411111******1111"),
    ],
)
def test_card_numbers_show_the_first_six_and_last_four(value, masked):
    assert mask_card_number(value) == masked


def test_searching_an_encrypted_column_fails_loudly_instead_of_matching_nothing(
    personal_data_model,
):
    person = personal_data_model.objects.create(name="Li", id_number=ID_NUMBER, phone=None)
    with pytest.raises(FieldError, match="encrypted and cannot be searched"):
        list(personal_data_model.objects.filter(id_number=ID_NUMBER))
    with pytest.raises(FieldError, match="Unsupported lookup 'icontains'"):
        list(personal_data_model.objects.filter(id_number__icontains="1949"))
    # Emptiness can still be asked.
    assert list(personal_data_model.objects.filter(phone__isnull=True)) == [person]
    assert not personal_data_model.objects.filter(id_number="").exists()


@pytest.mark.django_db
def test_keyed_hash_index_is_a_hash_index_on_postgresql_and_serves_the_phone_lookup():
    if connection.vendor != "postgresql":
        pytest.skip("hash indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'contact_point_hash_idx'")
        assert "USING hash (value_hash)" in cursor.fetchone()[0]
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT debtor_id FROM cases_contactpoint WHERE value_hash = %s",
            [keyed_hash("+8613812345678")],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "contact_point_hash_idx" in plan


@pytest.mark.parametrize(
    "stored",
    [PHONE, None, "", "", "%%%not-base64%%%", base64.urlsafe_b64encode(b"x").decode()],
    ids=["plaintext", "none", "empty", "prefix-only", "not-base64", "unknown-key"],
)
def test_a_stored_value_that_is_not_a_readable_token_is_never_skipped_by_rotation(request, stored):
    """rotate_field_keys skips what needs no rotation: plaintext or a broken token must
    answer "needs rotation", so that rotate() stops loudly instead of leaving it as it is."""
    if request.node.callspec.id not in ("plaintext", "none", "empty"):
        stored = personal_data._TOKEN_PREFIX + stored
    assert personal_data.needs_rotation(stored)
    assert not personal_data.needs_rotation(personal_data.encrypt(PHONE))


def test_a_file_that_is_not_an_encrypted_attachment_is_never_skipped_by_rotation():
    assert personal_data.bytes_need_rotation(b"%PDF-1.7 a plaintext scan")
    assert not personal_data.bytes_need_rotation(personal_data.encrypt_bytes(b"%PDF-1.7"))


def test_plaintext_does_not_look_encrypted():
    assert not personal_data.looks_encrypted(PHONE)
    assert not personal_data.looks_encrypted("")
    assert personal_data.looks_encrypted(personal_data.encrypt(PHONE))


# --- The keyed-hash field and index as migrations see them (docs/quality.md, fourth run) ---
# The mutation run migrates its test databases before any mutant is active, so what these
# write into migrations and DDL is checked here, directly.


def test_a_keyed_hash_field_defaults_to_a_hidden_indexed_64_character_column():
    from collections_office.personal_data import KeyedHashField

    field = KeyedHashField("Phone hash", source="value")
    assert field.source == "value"
    assert field.verbose_name == "Phone hash"
    assert (field.max_length, field.editable, field.blank, field.db_index) == (
        64,
        False,
        True,
        True,
    )
    assert KeyedHashField().source == ""
    wider = KeyedHashField(
        source="value", max_length=80, editable=True, blank=False, db_index=False
    )
    assert (wider.max_length, wider.editable, wider.blank, wider.db_index) == (
        80,
        True,
        False,
        False,
    )


def test_a_keyed_hash_field_writes_only_what_differs_from_its_defaults_into_migrations():
    from collections_office.personal_data import KeyedHashField

    field = KeyedHashField(source="value")
    field.set_attributes_from_name("value_hash")
    name, path, args, kwargs = field.deconstruct()
    assert (name, path, args) == (
        "value_hash",
        "collections_office.personal_data.KeyedHashField",
        [],
    )
    assert kwargs == {"source": "value"}

    other = KeyedHashField(
        source="value", max_length=80, editable=True, blank=False, db_index=False
    )
    other.set_attributes_from_name("value_hash")
    assert other.deconstruct()[3] == {
        "source": "value",
        "max_length": 80,
        "editable": True,
        "blank": False,
        "db_index": False,
    }
    # What it wrote builds the same field again.
    rebuilt = KeyedHashField(*other.deconstruct()[2], **other.deconstruct()[3])
    assert rebuilt.deconstruct()[3] == other.deconstruct()[3]


class _Posing:
    """`target` with some attributes answered otherwise."""

    def __init__(self, target, **answers):
        self._target = target
        self.__dict__.update(answers)

    def __getattr__(self, name):
        return getattr(self._target, name)


def _other_vendor(editor, vendor):
    """A schema editor that says it is not PostgreSQL (the embedded demo's SQLite)."""
    return _Posing(editor, connection=_Posing(editor.connection, vendor=vendor))


@pytest.mark.django_db
def test_a_keyed_hash_index_is_a_hash_index_on_postgresql_and_a_b_tree_elsewhere():
    from cases.models import ContactPoint
    from collections_office.personal_data import KeyedHashIndex

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the hash index is PostgreSQL's (the suite runs on it)")
    index = KeyedHashIndex(fields=["value_hash"], name="test_hash_idx")
    editor = connection.schema_editor()
    table = ContactPoint._meta.db_table
    assert str(index.create_sql(ContactPoint, editor)) == (
        f'CREATE INDEX "test_hash_idx" ON "{table}" USING hash ("value_hash")'
    )
    assert str(index.create_sql(ContactPoint, editor, concurrently=True)) == (
        f'CREATE INDEX CONCURRENTLY "test_hash_idx" ON "{table}" USING hash ("value_hash")'
    )
    assert str(index.create_sql(ContactPoint, _other_vendor(editor, "sqlite"))) == (
        f'CREATE INDEX "test_hash_idx" ON "{table}" ("value_hash")'
    )


@pytest.mark.parametrize(
    ("keys", "problem"),
    [
        ((), r"^FIELD_ENCRYPTION_KEYS is empty$"),
        (("NEW", "not base64!"), r"^FIELD_ENCRYPTION_KEYS\[1\] is not url-safe base64$"),
        (
            ("NEW", "c2hvcnQ="),
            r"^FIELD_ENCRYPTION_KEYS\[1\] must decode to 32 bytes \(use `make key`\)$",
        ),
        (("NEW", "ключ"), r"^FIELD_ENCRYPTION_KEYS\[1\] is not url-safe base64$"),
    ],
)
def test_a_misconfigured_keyring_names_the_setting_and_the_bad_key(keys, problem):
    from django.core.exceptions import ImproperlyConfigured

    keys = tuple(new_key() if key == "NEW" else key for key in keys)
    with pytest.raises(ImproperlyConfigured, match=problem):
        personal_data._Keyring(keys)


def test_the_first_key_encrypts_and_every_key_decrypts():
    first, second = new_key(), new_key()
    old = personal_data._Keyring((second,))
    keyring = personal_data._Keyring((first, second))
    token = old.encrypt(b"secret")
    assert keyring.decrypt(token) == b"secret"
    assert keyring.encrypt(b"x")[:4] == personal_data._Keyring((first,)).primary_id != token[:4]
