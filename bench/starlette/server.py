"""The Starlette comparison server of the load test (opt-in: STARLETTE=1 scripts/bench-load.sh).

    python server.py MODE PORT CREDENTIALS_FILE

MODE is `bare` (no middleware, `GET /anon` only) or `auth`: Starlette's AuthenticationMiddleware
with a backend validating HS256 bearer tokens with PyJWT, `GET /anon`, `GET /guarded`
(requires `notes:read`) and `GET /admin` (requires `admin`: 403). The server signs a token
with the secret of the Rust servers and writes it to CREDENTIALS_FILE as `TOKEN='...'`.
"""

import sys
import time

import jwt
import uvicorn
from starlette.applications import Starlette
from starlette.authentication import (
    AuthCredentials,
    AuthenticationBackend,
    AuthenticationError,
    SimpleUser,
    requires,
)
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

SECRET = b"the HS256 secret of the benchmarks, 32+ bytes"


class BearerBackend(AuthenticationBackend):
    async def authenticate(self, conn):
        header = conn.headers.get("authorization")
        if header is None:
            return None
        scheme, _, token = header.partition(" ")
        if scheme != "Bearer":
            raise AuthenticationError("bearer token expected")
        try:
            claims = jwt.decode(
                token, SECRET, algorithms=["HS256"], options={"require": ["exp"]}
            )
        except jwt.InvalidTokenError as error:
            raise AuthenticationError("invalid token") from error
        return AuthCredentials(claims.get("scope", "").split()), SimpleUser(claims["sub"])


async def anon(request):
    return PlainTextResponse("ok")


@requires("notes:read")
async def guarded(request):
    return PlainTextResponse("ok")


@requires("admin")
async def admin(request):
    return PlainTextResponse("ok")


def main():
    mode, port, credentials = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    now = int(time.time())
    token = jwt.encode(
        {"sub": "ada", "scope": "notes:read", "iat": now, "exp": now + 3600},
        SECRET,
        algorithm="HS256",
    )
    with open(credentials, "w") as file:
        file.write(f"TOKEN='{token}'\nAPI_KEY=''\nBAD_API_KEY=''\n")
    if mode == "bare":
        app = Starlette(routes=[Route("/anon", anon)])
    elif mode == "auth":
        app = Starlette(
            routes=[
                Route("/anon", anon),
                Route("/guarded", guarded),
                Route("/admin", admin),
            ],
            middleware=[Middleware(AuthenticationMiddleware, backend=BearerBackend())],
        )
    else:
        sys.exit(f"unknown mode {mode}")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
