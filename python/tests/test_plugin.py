"""The plugin's own tests, run from a scratch project outside the repository
(scripts/python-test.sh) against the real binary."""
import json

import pytest

pytest_plugins = ["pytester"]


def test_deletion_queue(chime_sdk_voice, advance_clock):
    nums = chime_sdk_voice.search_available_phone_numbers(AreaCode="206", MaxResults=2)["E164PhoneNumbers"]
    chime_sdk_voice.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=nums)
    advance_clock("0s")  # complete the order now
    assert chime_sdk_voice.batch_delete_phone_number(PhoneNumberIds=nums)["PhoneNumberErrors"] == []
    assert chime_sdk_voice.get_phone_number(PhoneNumberId=nums[0])["PhoneNumber"]["Status"] == "DeleteInProgress"
    chime_sdk_voice.restore_phone_number(PhoneNumberId=nums[0])
    advance_clock("7d")  # the Deletion queue's 7 days
    left = [n["E164PhoneNumber"] for n in chime_sdk_voice.list_phone_numbers()["PhoneNumbers"]]
    assert left == [nums[0]]


def test_each_test_gets_a_fresh_server(chime_sdk_voice):
    assert chime_sdk_voice.list_phone_numbers()["PhoneNumbers"] == []


def test_legacy_client_and_reset(chimevoice, chime, reset):
    nums = chimevoice.client().search_available_phone_numbers(AreaCode="503", MaxResults=1)["E164PhoneNumbers"]
    chime.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=nums)
    chimevoice.advance_clock("0s")
    assert [n["E164PhoneNumber"] for n in chime.list_phone_numbers()["PhoneNumbers"]] == nums
    reset()
    assert chime.list_phone_numbers()["PhoneNumbers"] == []


SNAPSHOT = {
    "Version": 1,
    "Now": "2030-01-01T00:00:00.000Z",
    "PhoneNumbers": [{"E164": "+12067301307", "AccountId": "000000000000", "Country": "US", "NumberType": "Local",
                      "ProductType": "VoiceConnector", "Status": "Unassigned",
                      "CreatedAt": "2029-12-01T00:00:00.000Z", "UpdatedAt": "2029-12-01T00:00:00.000Z"}],
}


def test_load_state(chimevoice, chime_sdk_voice, load_state, tmp_path):
    assert load_state(SNAPSHOT)["PhoneNumbers"] == 1
    assert chime_sdk_voice.get_phone_number(PhoneNumberId="+12067301307")["PhoneNumber"]["Status"] == "Unassigned"
    assert chimevoice.now().startswith("2030-01-01T00:00")
    path = tmp_path / "fixture.json"
    bad = dict(SNAPSHOT, PhoneNumbers=[dict(SNAPSHOT["PhoneNumbers"][0], Status="Lost")])
    path.write_text(json.dumps(bad))
    with pytest.raises(RuntimeError, match=r"PhoneNumbers\[0\]\.Status"):
        load_state(str(path))
    assert len(chime_sdk_voice.list_phone_numbers()["PhoneNumbers"]) == 1  # all or nothing


def test_faults(chimevoice, chime_sdk_voice, faults):
    from botocore.config import Config

    rules = faults([{"Operation": "ListPhoneNumbers", "Error": "ThrottledClientException", "Count": 2}])
    assert rules[0]["Count"] == 2
    # boto3 retries throttling: two injected failures, then the answer.
    assert chime_sdk_voice.list_phone_numbers()["PhoneNumbers"] == []
    assert chimevoice.admin("GET", "/_chimevoice/faults")[0]["Fired"] == 2
    faults([{"Operation": "ListPhoneNumbers", "Error": "ThrottledClientException"}])
    no_retry = chimevoice.client(config=Config(retries={"total_max_attempts": 1}))
    with pytest.raises(no_retry.exceptions.ThrottledClientException):
        no_retry.list_phone_numbers()


def test_session_server_is_shared(chimevoice_session):
    voice = chimevoice_session.client()
    voice.search_available_phone_numbers(AreaCode="206", MaxResults=1)
    chimevoice_session.reset()
    assert voice.list_phone_numbers()["PhoneNumbers"] == []


def test_clear_error_without_a_server(pytester, monkeypatch):
    monkeypatch.delenv("CHIMEVOICE_BIN", raising=False)
    monkeypatch.delenv("CHIMEVOICE_IMAGE", raising=False)
    monkeypatch.setenv("PATH", str(pytester.path))  # no chimevoice on it
    pytester.makepyfile("def test_x(chime_sdk_voice):\n    pass\n")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*chimevoice not found*", "*CHIMEVOICE_BIN*", "*CHIMEVOICE_IMAGE*"])
    assert "Traceback" not in result.stdout.str()
