"""Run chimevoice for tests: a fresh server per test or per session.

    from pytest_chimevoice import start

    with start() as cv:                      # the binary, or CHIMEVOICE_IMAGE's container
        voice = cv.client("chime-sdk-voice")
        cv.advance_clock("7d")

The pytest plugin (pytest_chimevoice.plugin, registered by `pip install`)
turns this into fixtures: chimevoice, chimevoice_session, chime_sdk_voice,
chime, advance_clock, reset, load_state, faults.
"""
from .server import ChimeVoice, ChimeVoiceNotFound, start

__all__ = ["ChimeVoice", "ChimeVoiceNotFound", "start"]
