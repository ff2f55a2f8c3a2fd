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


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as info:
        main(["serve", *argv])
    out, err = capsys.readouterr()
    assert info.value.code == 2, (argv, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert out == ""  # no address printed for a server that does not start
    return lines[0]


@pytest.mark.parametrize(
    ("host", "said"),
    [
        ("no-such-host.invalid", "is not an address of this computer"),
        ("x" * 300, "is not an address of this computer"),
        ("192.0.2.1", "cannot listen on 192.0.2.1"),  # TEST-NET-1: not this computer's
    ],
)
def test_serve_refuses_an_address_it_cannot_listen_on(
    host: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _refused(["--host", host, "--port", "8765"], capsys)
    assert said in line and len(line) < 200


def test_serve_refuses_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        if port < 1024:
            pytest.skip("the system gave a privileged port")
        line = _refused(["--port", str(port)], capsys)
    assert line == f"error: port {port} on 127.0.0.1 is in use; choose another with --port"
