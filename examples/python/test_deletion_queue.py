"""The example test: order numbers, delete them, restore one, let 7 days pass.

Run with pytest (the `voice` fixture is in conftest.py), or without it:
python3 test_deletion_queue.py.
"""
from chimevoice_fixture import advance_clock


def test_deletion_queue(voice):
    nums = voice.search_available_phone_numbers(AreaCode="206", MaxResults=2)["E164PhoneNumbers"]
    voice.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=nums)
    advance_clock(voice.endpoint, "0s")  # complete the order now

    assert voice.batch_delete_phone_number(PhoneNumberIds=nums)["PhoneNumberErrors"] == []
    assert voice.get_phone_number(PhoneNumberId=nums[0])["PhoneNumber"]["Status"] == "DeleteInProgress"
    voice.restore_phone_number(PhoneNumberId=nums[0])

    advance_clock(voice.endpoint, "168h")  # the Deletion queue's 7 days
    left = [n["E164PhoneNumber"] for n in voice.list_phone_numbers()["PhoneNumbers"]]
    assert left == [nums[0]]


if __name__ == "__main__":
    import boto3
    from chimevoice_fixture import chimevoice
    with chimevoice() as endpoint:
        client = boto3.client("chime-sdk-voice", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
        client.endpoint = endpoint
        test_deletion_queue(client)
    print("ok")
