"""The peer import helper itself (no peer needed): a missing peer fails; only an explicit
TRUSTLAB_NO_PEERS=1 skips."""

from __future__ import annotations

import pytest

from peer_libraries import peer


def test_a_missing_peer_is_an_error_not_a_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRUSTLAB_NO_PEERS", raising=False)
    with pytest.raises(ImportError, match=r"peers extra.*TRUSTLAB_NO_PEERS=1"):
        peer("trustlab_no_such_peer_library")
    assert peer("json").__name__ == "json"


def test_trustlab_no_peers_skips_on_purpose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTLAB_NO_PEERS", "1")
    with pytest.raises(pytest.skip.Exception, match="TRUSTLAB_NO_PEERS=1"):
        peer("json")
