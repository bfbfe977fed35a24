"""Stands in for an app's `key_rotation` module in the rotate_field_keys tests."""

calls: list[int] = []


def rotate_files(*, batch_size: int, stdout) -> int:
    calls.append(batch_size)
    return 3
