"""``trustlab serve``: its options and refusals (the server itself is tested in tests/.../web)."""

from __future__ import annotations

import pytest

from trustlab.interfaces.cli import main
from trustlab.interfaces.cli.serve import _is_loopback


def test_serve_help_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    main(["serve", "--help"])  # returns normally: exit code 0
    out = capsys.readouterr().out
    assert "Example: trustlab serve" in " ".join(out.split())
    for opt in ("--port", "--host", "--open", "--format"):
        assert opt in out


@pytest.mark.parametrize("port", ["80", "70000", "0"])
def test_serve_refuses_bad_ports(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["serve", "--port", port])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --port must be between 1024 and 65535") and err.count("\n") == 1


def test_serve_refuses_a_non_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["serve", "--port", "http"])
    assert info.value.code == 2


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("192.168.1.4", False), ("example.org", False)],
)  # fmt: skip
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert _is_loopback(host) is loopback
