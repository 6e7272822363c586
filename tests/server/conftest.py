"""A real shequn-server for the Python suite: started on a free port with a
temporary data folder and three tokens, stopped (or killed) by the tests.

ctest sets SHEQUN_SERVER (the binary) and SHEQUN_PYTHON_OUT (the stubs that
grpc_python_plugin generated at build time)."""
import os
import re
import signal
import subprocess
import sys

import pytest

sys.path.insert(0, os.environ["SHEQUN_PYTHON_OUT"])

import grpc  # noqa: E402
from shequn.v1 import service_pb2 as pb  # noqa: E402
from shequn.v1 import service_pb2_grpc as pb_grpc  # noqa: E402

ADMIN = "admin-token-0000000000000001"    # write, every community
READER = "reader-token-000000000000001"   # read, club only
OTHER = "other-token-00000000000000001"   # write, community "other" only

TOKENS = f"""# the suite's tokens
token {ADMIN} write *
token {READER} read club
token {OTHER} write other
"""


TESTDATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata")


class Server:
    """One shequn-server process over a data folder that outlives it; with
    tls=True it serves TLS with testdata/localhost.crt (a self-signed
    certificate for localhost and 127.0.0.1, for tests only)."""

    def __init__(self, data, tls=False, flags=()):
        self.data = data
        self.tls = tls
        self.flags = list(flags)
        self.config = os.path.join(data, "tokens.conf")
        with open(self.config, "w") as f:
            f.write(TOKENS)
            if tls:
                f.write(f"tls_cert {TESTDATA}/localhost.crt\ntls_key {TESTDATA}/localhost.key\n")
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            [os.environ["SHEQUN_SERVER"], "--data", self.data, "--config", self.config,
             "--port", "0", "--workers", "2", "--sync", "normal", "--snapshot-every", "5"] + self.flags,
            stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"listening on (\S+)", line)
        assert match, f"server did not start: {line!r}"
        self.address = match.group(1)
        if self.tls:
            with open(os.path.join(TESTDATA, "localhost.crt"), "rb") as f:
                credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
            self.channel = grpc.secure_channel(self.address, credentials)
        else:
            self.channel = grpc.insecure_channel(self.address)
        self.stub = pb_grpc.ShequnStub(self.channel)

    def stop(self, sig=signal.SIGTERM):
        self.channel.close()
        self.process.send_signal(sig)
        self.process.wait(timeout=30)

    def call(self, method, request, token=ADMIN):
        metadata = [] if token is None else [("authorization", f"Bearer {token}")]
        return getattr(self.stub, method)(request, metadata=metadata, timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(str(tmp_path_factory.mktemp("data")))
    yield s
    s.stop()
