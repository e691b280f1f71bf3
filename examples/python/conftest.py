import boto3
import pytest

from chimevoice_fixture import chimevoice


@pytest.fixture
def voice():
    """A chime-sdk-voice client on a fresh chimevoice: each test gets an empty store."""
    with chimevoice() as endpoint:
        client = boto3.client("chime-sdk-voice", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
        client.endpoint = endpoint
        yield client
