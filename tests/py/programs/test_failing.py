# SPDX-License-Identifier: Apache-2.0
"""pytest: a failing assertion (no concurrency)."""


def test_arithmetic():
    total = sum([1, 2, 3])
    assert total == 7, "the sum is wrong"
