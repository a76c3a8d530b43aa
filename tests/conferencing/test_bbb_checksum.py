"""BBB's request checksum, checked against the worked example of BBB's API reference."""

from __future__ import annotations

import hashlib

import pytest

from conferencing.bbb.checksum import ALGORITHMS, algorithm_of, checksum, verify
from conferencing.bbb.params import encode

# The "Usage" steps of the API Security Model section of BBB's API reference, verbatim.
DOC_CALL = "create"
DOC_QUERY = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
DOC_SECRET = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
DOC_SHA1 = "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"
DOC_SIGNED_STRING = (
    "createname=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
    "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
)
LENGTHS = {"sha1": 40, "sha256": 64, "sha384": 96, "sha512": 128}


def test_documented_sha1_example_reproduces():
    assert checksum(DOC_CALL, DOC_QUERY, DOC_SECRET, "sha1") == DOC_SHA1


def test_our_encoding_reproduces_the_documented_query_string():
    pairs = [
        ("name", "Test Meeting"),
        ("meetingID", "abc123"),
        ("attendeePW", "111222"),
        ("moderatorPW", "333444"),
    ]
    assert encode(pairs) == DOC_QUERY


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_each_algorithm_hashes_call_query_and_secret(algorithm):
    expected = hashlib.new(algorithm, DOC_SIGNED_STRING.encode()).hexdigest()
    digest = checksum(DOC_CALL, DOC_QUERY, DOC_SECRET, algorithm)
    assert digest == expected
    assert len(digest) == LENGTHS[algorithm]
    assert algorithm_of(digest) == algorithm


def test_default_algorithm_is_sha256():
    assert checksum(DOC_CALL, DOC_QUERY, DOC_SECRET) == hashlib.sha256(DOC_SIGNED_STRING.encode()).hexdigest()


def test_unknown_algorithm_is_refused():
    with pytest.raises(ValueError, match="md5"):
        checksum(DOC_CALL, DOC_QUERY, DOC_SECRET, "md5")


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_verify_accepts_each_algorithm(algorithm):
    received = checksum(DOC_CALL, DOC_QUERY, DOC_SECRET, algorithm)
    assert verify(DOC_CALL, DOC_QUERY, DOC_SECRET, received)


def test_verify_accepts_the_documented_sha1():
    assert verify(DOC_CALL, DOC_QUERY, DOC_SECRET, DOC_SHA1)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_verify_refuses_a_wrong_secret(algorithm):
    received = checksum(DOC_CALL, DOC_QUERY, "another-secret", algorithm)
    assert not verify(DOC_CALL, DOC_QUERY, DOC_SECRET, received)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_verify_refuses_a_changed_query_or_call(algorithm):
    received = checksum(DOC_CALL, DOC_QUERY, DOC_SECRET, algorithm)
    assert not verify(DOC_CALL, DOC_QUERY.replace("abc123", "abc124"), DOC_SECRET, received)
    assert not verify("join", DOC_QUERY, DOC_SECRET, received)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_verify_refuses_a_truncated_checksum(algorithm):
    received = checksum(DOC_CALL, DOC_QUERY, DOC_SECRET, algorithm)
    assert not verify(DOC_CALL, DOC_QUERY, DOC_SECRET, received[:-1])
    if algorithm != "sha1":
        # Cut to the length of a shorter algorithm, it is judged as that algorithm and still fails.
        assert not verify(DOC_CALL, DOC_QUERY, DOC_SECRET, received[:40])
    assert not verify(DOC_CALL, DOC_QUERY, DOC_SECRET, "")


def test_verify_refuses_an_algorithm_outside_the_allowed_set():
    sha1 = checksum(DOC_CALL, DOC_QUERY, DOC_SECRET, "sha1")
    sha512 = checksum(DOC_CALL, DOC_QUERY, DOC_SECRET, "sha512")
    assert not verify(DOC_CALL, DOC_QUERY, DOC_SECRET, sha1, allowed=("sha256", "sha512"))
    assert verify(DOC_CALL, DOC_QUERY, DOC_SECRET, sha512, allowed=("sha256", "sha512"))


def test_verify_refuses_a_digest_of_an_unsupported_length():
    md5 = hashlib.md5(DOC_SIGNED_STRING.encode()).hexdigest()  # 32 characters: no allowed algorithm
    assert not verify(DOC_CALL, DOC_QUERY, DOC_SECRET, md5)


def test_verify_refuses_non_ascii_without_raising():
    received = "é" * 64  # the length of a sha256 digest
    assert not verify(DOC_CALL, DOC_QUERY, DOC_SECRET, received)
