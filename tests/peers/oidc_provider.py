"""A real OpenID Connect provider for the SSO tests, run as its own process.

Built on authlib's server parts (authorization code grant, PKCE S256 required, the OpenID Connect code flow,
RFC 9207 `iss` in authorization responses) in a small Flask app: discovery, JWKS, authorize (it signs in its one
configured person at once, as an IdP with a live session would), token, UserInfo. A control API under `/_peer/`
lets a test configure the client and the person, rotate the signing key, and switch on one misbehaviour at a
time (the attack cases O1-O6): the ID token, UserInfo, discovery document or authorization response is then made
wrong on purpose.

    python tests/peers/oidc_provider.py --port 9000 [--issuer http://127.0.0.1:9000]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import secrets
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.grants.util import create_half_hash
from flask import Flask, Response, jsonify, request
from joserfc import jws
from joserfc.jwk import ECKey, RSAKey
from werkzeug.serving import make_server

ID_TOKEN_LIFETIME = 300


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in {"openid", "email", "profile", "groups"})

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    subject: str
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


@dataclass
class Provider:
    """Everything the peer holds, in memory; one lock around it (Flask serves requests on threads)."""

    issuer: str
    clients: dict[str, Client] = field(default_factory=dict)
    person: dict[str, Any] = field(default_factory=dict)
    keys: list[RSAKey] = field(default_factory=list)
    ec_key: ECKey = field(default_factory=lambda: ECKey.generate_key("P-256", parameters={"kid": "ec-1"}))
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    access_tokens: dict[str, str] = field(default_factory=dict)
    misbehaviour: str = ""
    misbehaviour_value: str = ""
    signing_alg: str = "RS256"
    stats: dict[str, int] = field(default_factory=lambda: {"jwks_fetches": 0, "token_requests": 0})
    lock: threading.RLock = field(default_factory=threading.RLock)

    def rotate(self, keep_old: bool = True) -> str:
        key = RSAKey.generate_key(2048, parameters={"kid": f"rsa-{secrets.token_hex(4)}", "use": "sig"})
        self.keys = [key, *self.keys[:1]] if keep_old else [key]
        return str(key.kid)

    def jwks(self) -> dict[str, Any]:
        keys = [k.as_dict(private=False) for k in self.keys]
        if self.signing_alg == "ES256" or self.misbehaviour == "alg_outside_allow_list":
            keys.append(self.ec_key.as_dict(private=False))
        return {"keys": keys}

    def sign(self, header: dict[str, Any], claims: dict[str, Any]) -> str:
        """The ID token, signed as the current misbehaviour says."""
        mode = self.misbehaviour
        payload = json.dumps(claims).encode()
        if mode == "rotate_before_signing":
            self.rotate()
            self.misbehaviour = ""
        key: RSAKey | ECKey = self.keys[0]
        header["kid"] = key.kid
        if mode == "alg_none":
            return f"{b64(json.dumps({'alg': 'none'}).encode())}.{b64(payload)}."
        if mode == "hs256_with_public_key":
            # Key confusion: HMAC keyed with the RSA public key everyone can download.
            public_pem = self.keys[0].as_pem(private=False)
            signing_input = f"{b64(json.dumps({'alg': 'HS256', 'kid': key.kid}).encode())}.{b64(payload)}"
            mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
            return f"{signing_input}.{b64(mac)}"
        if mode == "alg_outside_allow_list" or self.signing_alg == "ES256":
            key = self.ec_key
            header = {"alg": "ES256", "kid": key.kid}
        if mode in ("header_jwk", "header_jku"):
            attacker = RSAKey.generate_key(2048, parameters={"kid": str(key.kid)})
            if mode == "header_jwk":
                header["jwk"] = attacker.as_dict(private=False)
            else:
                header["jku"] = f"{self.issuer}/attacker-jwks"
            key = attacker
        if mode == "random_kid":
            header["kid"] = secrets.token_hex(8)
        if mode == "no_kid":
            header.pop("kid")
        token = jws.serialize_compact(header, payload, key, algorithms=[header["alg"]])
        if mode == "bad_signature":
            head, body, signature = token.split(".")
            raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
            raw[len(raw) // 2] ^= 0x01
            token = f"{head}.{body}.{b64(bytes(raw))}"
        return token

    def id_token_claims(self, client: Client, code: AuthorizationCode, access_token: str) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": self.person["sub"],
            "aud": client.client_id,
            "iat": now,
            "exp": now + ID_TOKEN_LIFETIME,
            "auth_time": code.auth_time,
            "at_hash": create_half_hash(access_token, "RS256").decode(),
            **{k: v for k, v in self.person.items() if k != "sub"},
        }
        if code.nonce:
            claims["nonce"] = code.nonce
        return misbehave_claims(claims, self.misbehaviour, self.misbehaviour_value, client.client_id)


def misbehave_claims(claims: dict[str, Any], mode: str, value: str, client_id: str) -> dict[str, Any]:
    if mode == "wrong_iss":
        claims["iss"] = value or "https://evil.example"
    elif mode == "wrong_aud":
        claims["aud"] = "someone-else"
    elif mode == "multiple_audiences_without_azp":
        claims["aud"] = [client_id, "someone-else"]
    elif mode == "multiple_audiences_with_azp":
        claims["aud"] = [client_id, "someone-else"]
        claims["azp"] = client_id
    elif mode == "expired":
        claims["iat"] -= 3600
        claims["exp"] = claims["iat"] + 60
    elif mode == "wrong_nonce":
        claims["nonce"] = secrets.token_urlsafe(32)
    elif mode.startswith("missing_") and mode[len("missing_") :] in ("iss", "aud", "sub", "iat", "exp", "nonce"):
        claims.pop(mode[len("missing_") :], None)
    return claims


class StrictCodeChallenge(CodeChallenge):  # type: ignore[misc]
    """PKCE required of every client, S256 only (RFC 9700 §2.1.1)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with S256 is required.")
        super().validate_code_challenge(grant, redirect_uri)


def create_app(provider: Provider) -> Flask:
    app = Flask(__name__)

    class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code: str, req: Any) -> None:
            data = req.payload.data
            provider.codes[code] = AuthorizationCode(
                code=code,
                client_id=req.client.client_id,
                redirect_uri=req.payload.redirect_uri,
                scope=req.payload.scope,
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
                subject=req.user["sub"],
                auth_time=int(time.time()),
            )

        def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
            found = provider.codes.get(code)
            return found if found and found.client_id == client.client_id else None

        def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: AuthorizationCode) -> dict[str, Any]:
            return dict(provider.person)

    class PeerOpenIDCode(OpenIDCode):  # type: ignore[misc]
        def exists_nonce(self, nonce: str, req: Any) -> bool:
            return any(c.nonce == nonce for c in provider.codes.values())

        def generate_user_info(self, user: dict[str, Any], scope: str) -> dict[str, Any]:
            return dict(user)

        def encode_id_token(self, token: dict[str, Any], req: Any) -> str:
            code = req.authorization_code
            claims = provider.id_token_claims(req.client, code, token["access_token"])
            return provider.sign({"alg": provider.signing_alg}, claims)

    class PeerIssuer(IssuerParameter):  # type: ignore[misc]
        def get_issuer(self) -> str:
            if provider.misbehaviour == "response_iss":
                return provider.misbehaviour_value
            return provider.issuer

    def save_token(token: dict[str, Any], req: Any) -> None:
        provider.access_tokens[token["access_token"]] = req.user["sub"]

    server = AuthorizationServer(app, query_client=provider.clients.get, save_token=save_token)
    server.register_grant(CodeGrant, [StrictCodeChallenge(required=True), PeerOpenIDCode(require_nonce=True)])
    server.register_extension(PeerIssuer())

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Response:
        issuer = provider.issuer
        if provider.misbehaviour == "discovery_issuer":
            issuer = provider.misbehaviour_value or "https://impostor.example"
        return jsonify(
            issuer=issuer,
            authorization_endpoint=f"{provider.issuer}/authorize",
            token_endpoint=f"{provider.issuer}/token",
            userinfo_endpoint=f"{provider.issuer}/userinfo",
            jwks_uri=f"{provider.issuer}/jwks",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256", "ES256"],
            code_challenge_methods_supported=["S256"],
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            authorization_response_iss_parameter_supported=True,
        )

    @app.get("/jwks")
    def jwks() -> Response:
        with provider.lock:
            provider.stats["jwks_fetches"] += 1
            return jsonify(provider.jwks())

    @app.get("/authorize")
    def authorize() -> Response:
        with provider.lock:
            return server.create_authorization_response(grant_user=dict(provider.person))  # type: ignore[no-any-return]

    @app.post("/token")
    def token() -> Response:
        with provider.lock:
            provider.stats["token_requests"] += 1
            return server.create_token_response()  # type: ignore[no-any-return]

    @app.get("/userinfo")
    def userinfo() -> Response | tuple[Response, int]:
        bearer = request.headers.get("Authorization", "")
        with provider.lock:
            subject = provider.access_tokens.get(bearer.removeprefix("Bearer "))
            if not bearer.startswith("Bearer ") or subject is None:
                return jsonify(error="invalid_token"), 401
            info = dict(provider.person)
            if provider.misbehaviour == "userinfo_other_subject":
                info["sub"] = "someone-else"
            return jsonify(info)

    @app.post("/_peer/configure")
    def configure() -> Response:
        """Client, person and signing algorithm; clears any misbehaviour and counters."""
        body = request.get_json(force=True)
        with provider.lock:
            provider.clients.clear()
            for c in body.get("clients", []):
                provider.clients[c["client_id"]] = Client(c["client_id"], c["client_secret"], c["redirect_uris"])
            provider.person = body.get("person", provider.person)
            provider.signing_alg = body.get("signing_alg", "RS256")
            provider.misbehaviour = ""
            provider.misbehaviour_value = ""
            provider.stats.update(jwks_fetches=0, token_requests=0)
        return jsonify(ok=True)

    @app.post("/_peer/misbehave")
    def misbehave() -> Response:
        body = request.get_json(force=True)
        with provider.lock:
            provider.misbehaviour = body.get("mode", "")
            provider.misbehaviour_value = body.get("value", "")
        return jsonify(ok=True)

    @app.post("/_peer/rotate")
    def rotate() -> Response:
        body = request.get_json(silent=True) or {}
        with provider.lock:
            return jsonify(kid=provider.rotate(keep_old=body.get("keep_old", True)))

    @app.get("/_peer/stats")
    def stats() -> Response:
        with provider.lock:
            return jsonify(provider.stats)

    return app


class OidcPeer:
    """A running provider process, as a test drives it through its control API."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.issuer = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                httpx.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1).raise_for_status()
                return
            except httpx.HTTPError:
                if self.process.poll() is not None:
                    raise RuntimeError("the OIDC provider exited at start") from None
                time.sleep(0.05)
        raise RuntimeError("the OIDC provider did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = httpx.post(f"{self.issuer}/_peer/{path}", json=body, timeout=10)
        response.raise_for_status()
        return dict(response.json())

    def configure(
        self, client_id: str, client_secret: str, redirect_uri: str, person: dict[str, Any], signing_alg: str = "RS256"
    ) -> None:
        client = {"client_id": client_id, "client_secret": client_secret, "redirect_uris": [redirect_uri]}
        self._post("configure", {"clients": [client], "person": person, "signing_alg": signing_alg})

    def misbehave(self, mode: str, value: str = "") -> None:
        self._post("misbehave", {"mode": mode, "value": value})

    def rotate(self, keep_old: bool = True) -> str:
        return str(self._post("rotate", {"keep_old": keep_old})["kid"])

    def stats(self) -> dict[str, int]:
        return dict(httpx.get(f"{self.issuer}/_peer/stats", timeout=10).json())


@contextmanager
def running_oidc_provider(port: int) -> Iterator[OidcPeer]:
    peer = OidcPeer(port)
    peer.start()
    try:
        yield peer
    finally:
        peer.stop()


def main() -> None:
    # authlib warns about its own hook signatures; nothing this peer can change.
    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--issuer", default="")
    args = parser.parse_args()
    provider = Provider(issuer=args.issuer or f"http://{args.host}:{args.port}")
    provider.rotate()
    make_server(args.host, args.port, create_app(provider), threaded=True).serve_forever()


if __name__ == "__main__":
    main()
