"""``trustlab serve`` refuses an address it cannot listen on in one line, before it starts."""

from __future__ import annotations

import socket

import pytest

from trustlab.interfaces.cli import main


def test_a_port_in_use_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as info:
            main(["serve", "--port", str(port)])
    out, err = capsys.readouterr()
    assert info.value.code == 2 and out == ""
    assert err.strip() == f"error: port {port} on 127.0.0.1 is in use; choose another with --port"


def test_a_host_that_is_not_an_address_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["serve", "--host", "no-such-host.invalid", "--port", "8765"])
    assert info.value.code == 2
    assert capsys.readouterr().err.startswith("error: --host 'no-such-host.invalid' is not")
