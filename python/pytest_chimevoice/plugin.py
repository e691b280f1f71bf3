"""pytest fixtures for chimevoice.

    def test_deletion_queue(chime_sdk_voice, advance_clock):
        nums = chime_sdk_voice.search_available_phone_numbers(AreaCode="206", MaxResults=2)["E164PhoneNumbers"]
        chime_sdk_voice.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=nums)
        advance_clock("0s")                  # complete the order now
        chime_sdk_voice.batch_delete_phone_number(PhoneNumberIds=nums)
        advance_clock("7d")                  # the Deletion queue's 7 days: purged

Fixtures:
  chimevoice          a fresh server for the test (ChimeVoice: endpoint, client(), admin calls)
  chimevoice_session  one server for the whole session (reset it yourself, or use the reset fixture)
  chime_sdk_voice     boto3 "chime-sdk-voice" client on the test's server
  chime               boto3 "chime" (legacy) client on the test's server
  advance_clock       advance_clock("7d"): move the service clock, run due work
  reset               reset(): empty every account
  load_state          load_state(dict | JSON | path): replace the state with a snapshot
  faults              faults([...rules]): inject errors; cleared when the test ends

The server comes from --chimevoice-bin / $CHIMEVOICE_BIN, `chimevoice` on
PATH, or --chimevoice-image / $CHIMEVOICE_IMAGE (Docker or Podman).
"""
import pytest

from .server import ChimeVoiceNotFound, start


def pytest_addoption(parser):
    group = parser.getgroup("chimevoice")
    group.addoption("--chimevoice-bin", default=None,
                    help="chimevoice binary (default: $CHIMEVOICE_BIN, then PATH)")
    group.addoption("--chimevoice-image", default=None,
                    help="run chimevoice from this container image instead (default: $CHIMEVOICE_IMAGE)")


def _serve(config):
    """Runs a server for a fixture: yields the ChimeVoice, stops it after."""
    cm = start(binary=config.getoption("chimevoice_bin"), image=config.getoption("chimevoice_image"))
    try:
        cv = cm.__enter__()
    except ChimeVoiceNotFound as e:  # say how to get one, without a traceback
        pytest.fail(str(e), pytrace=False)
    yield cv
    cm.__exit__(None, None, None)


@pytest.fixture
def chimevoice(request):
    """A fresh chimevoice for this test: an empty store on a free port."""
    yield from _serve(request.config)


@pytest.fixture(scope="session")
def chimevoice_session(request):
    """One chimevoice for the whole session (call its reset() where tests need an empty store)."""
    yield from _serve(request.config)


@pytest.fixture
def chime_sdk_voice(chimevoice):
    """A boto3 chime-sdk-voice client on the test's chimevoice."""
    return chimevoice.client("chime-sdk-voice")


@pytest.fixture
def chime(chimevoice):
    """A boto3 chime (legacy API) client on the test's chimevoice."""
    return chimevoice.client("chime")


@pytest.fixture
def advance_clock(chimevoice):
    """advance_clock(duration): moves the service clock ("7d", "168h") and runs the work that became due."""
    return chimevoice.advance_clock


@pytest.fixture
def reset(chimevoice):
    """reset(): empties every account of the test's chimevoice."""
    return chimevoice.reset


@pytest.fixture
def load_state(chimevoice):
    """load_state(snapshot): replaces the state (dict, JSON text or file path), all or nothing."""
    return chimevoice.load_state


@pytest.fixture
def faults(chimevoice):
    """faults(rules): injects errors for retry tests; cleared when the test ends."""
    yield chimevoice.faults
    chimevoice.faults(None)
