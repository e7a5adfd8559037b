from hashlib import sha256

from service.decision_ids import decision_id


def test_the_same_identity_and_generation_give_the_same_id() -> None:
    assert decision_id("email:hank@globex.com", 1) == decision_id("email:hank@globex.com", 1)


def test_a_new_generation_gets_a_new_id() -> None:
    assert decision_id("email:hank@globex.com", 1) != decision_id("email:hank@globex.com", 2)


def test_the_id_is_the_first_24_hex_characters_of_a_sha256() -> None:
    expected = sha256(b"email:hank@globex.com|3").hexdigest()[:24]
    assert decision_id("email:hank@globex.com", 3) == expected
