"""The real LangChain clients (ChatOpenAI, ChatOllama) against loopback servers that speak the
OpenAI chat-completions and Ollama chat protocols: the wire path of the LLM backends, with the
prompt they send recorded, and a server that is down."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.answering import make_answerer
from assistant.chain import Assistant
from tests.support import free_port

pytestmark = pytest.mark.integration
REPLY = "A recordation is valid for 10 years [1]. Renewal is possible within 6 months before expiry [1]."


class _Handler(BaseHTTPRequestHandler):
    requests: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.path, body, {k.lower(): v for k, v in self.headers.items()}))
        if self.path.endswith("/chat/completions"):
            self._openai(body)
        elif self.path == "/api/chat":
            self._ollama(body)
        else:
            self.send_response(404)
            self.end_headers()

    def _openai(self, body):
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for word in REPLY.split(" "):
                chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                         "choices": [{"index": 0, "delta": {"content": word + " "}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            return
        out = {"id": "c", "object": "chat.completion", "created": 0, "model": body["model"],
               "choices": [{"index": 0, "message": {"role": "assistant", "content": REPLY}, "finish_reason": "stop"}],
               "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _ollama(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.end_headers()
        for word in REPLY.split(" "):
            line = {"model": body["model"], "created_at": "2026-01-01T00:00:00Z",
                    "message": {"role": "assistant", "content": word + " "}, "done": False}
            self.wfile.write((json.dumps(line) + "\n").encode())
        final = {"model": body["model"], "created_at": "2026-01-01T00:00:00Z", "message": {"role": "assistant", "content": ""},
                 "done": True, "done_reason": "stop", "total_duration": 1, "load_duration": 1, "prompt_eval_count": 1,
                 "prompt_eval_duration": 1, "eval_count": 1, "eval_duration": 1}
        self.wfile.write((json.dumps(final) + "\n").encode())


@pytest.fixture
def server():
    _Handler.requests = []
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", _Handler.requests
    srv.shutdown()



def test_openai_compatible_endpoint(indexed, server):
    url, requests = server
    s = indexed.replace(backend="openai", llm_base_url=url + "/v1", llm_model="test-model", llm_api_key="sk-test")
    a = Assistant.from_settings(s).invoke("How long is a recordation valid?")
    assert a.backend == "openai" and not a.refused and not a.warnings
    assert a.body() == "A recordation is valid for 10 years [1]. Renewal is possible within 6 months before expiry [1]."
    path, body, headers = requests[0]
    assert path == "/v1/chat/completions" and body["model"] == "test-model"
    assert headers["authorization"] == "Bearer sk-test"
    assert '<source n="1">' in body["messages"][0]["content"]
    pieces = list(Assistant.from_settings(s).stream("How long is a recordation valid?"))
    assert len(pieces) > 3 and pieces[-1].body().startswith("A recordation is valid for 10 years [1].")


def test_ollama_endpoint(indexed, server):
    url, requests = server
    s = indexed.replace(backend="ollama", llm_base_url=url, llm_model="llama-test")
    a = Assistant.from_settings(s).invoke("How long is a recordation valid?")
    assert a.backend == "ollama" and not a.refused
    assert "10 years [1]" in a.body()
    assert requests[0][0] == "/api/chat" and requests[0][1]["model"] == "llama-test"


def test_endpoint_down_falls_back_with_a_warning(indexed):
    s = indexed.replace(backend="openai", llm_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_model="m",
                        llm_timeout_s=3.0)
    a = Assistant.from_settings(s).invoke("How long is a recordation valid?")
    assert a.backend == "extractive" and not a.refused
    assert "openai backend failed" in a.warnings[0]


def test_backend_misconfiguration_is_a_clear_error(indexed):
    with pytest.raises(ValueError, match="needs CBEC_LLM_MODEL"):
        make_answerer(indexed.replace(backend="openai"))
    with pytest.raises(ValueError, match="CBEC_BACKEND='gpt' is not valid; valid values: extractive"):
        make_answerer(indexed.replace(backend="gpt"))
    with pytest.raises(ValueError, match=r"\[llamacpp\]|CBEC_LLM_GGUF_PATH"):
        make_answerer(indexed.replace(backend="llamacpp"))
