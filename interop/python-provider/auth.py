"""Access tokens as Netra's backend issues them: HS256 JWTs signed with a shared secret.

Required claims: `sub`, `exp`, `iat`, `iss`, `aud`, `token_type: "access"` and `permissions` containing `"chat"`;
`nbf` is honoured. Only HS256 is accepted. Every refusal is an AuthError with one of the auth codes asyncapi.yaml
lists. Nothing here logs or returns a token or the secret."""

import re
import time

import jwt

# A compact JWS: three base64url segments.
_COMPACT = re.compile(r"\A[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\Z")
ALGORITHM = "HS256"


class AuthError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class Claims:
    def __init__(self, sub, exp):
        self.sub = sub
        self.exp = float(exp)


class TokenVerifier:
    def __init__(self, secret, issuer, audience, leeway_s, is_user_id):
        self._secret = secret
        self.issuer = issuer
        self.audience = audience
        self.leeway_s = leeway_s
        self._is_user_id = is_user_id

    def deadline(self, claims):
        """Until when a connection opened (or refreshed) with these claims stays authenticated."""
        return claims.exp + self.leeway_s

    def verify(self, token):
        if not token:
            raise AuthError("TOKEN_MISSING", "No access token: send Authorization: Bearer <token> or the jwt.<token> subprotocol.")
        if len(token) > 8192 or not _COMPACT.match(token):
            raise AuthError("TOKEN_INVALID", "The access token is not a JWT.")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise AuthError("TOKEN_INVALID", "The access token's header cannot be read.") from None
        # Exactly HS256: refuses `none` in any casing, other HMAC sizes and every asymmetric algorithm.
        if header.get("alg") != ALGORITHM:
            raise AuthError("TOKEN_INVALID", f"The access token must be signed with {ALGORITHM}.")
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                audience=self.audience,
                leeway=self.leeway_s,
                options={"require": ["sub", "exp", "iat", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("TOKEN_EXPIRED", "The access token has expired.") from None
        except jwt.ImmatureSignatureError:
            raise AuthError("TOKEN_INVALID", "The access token is not valid yet.") from None
        except jwt.InvalidAudienceError:
            raise AuthError("TOKEN_INVALID", "The access token is for another audience.") from None
        except jwt.InvalidIssuerError:
            raise AuthError("TOKEN_INVALID", "The access token comes from another issuer.") from None
        except jwt.MissingRequiredClaimError as err:
            raise AuthError("TOKEN_INVALID", f"The access token has no {err.claim} claim.") from None
        except jwt.InvalidSignatureError:
            raise AuthError("TOKEN_INVALID", "The access token's signature does not verify.") from None
        except jwt.InvalidTokenError:
            raise AuthError("TOKEN_INVALID", "The access token is not valid.") from None

        if payload.get("token_type") != "access":
            raise AuthError("TOKEN_WRONG_TYPE", "This is not an access token (token_type must be \"access\").")
        sub = payload.get("sub")
        if not self._is_user_id(sub):
            raise AuthError("TOKEN_INVALID", "The access token's sub is not a valid user id.")
        exp, iat = payload.get("exp"), payload.get("iat")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (exp, iat)):
            raise AuthError("TOKEN_INVALID", "The access token's exp and iat must be numbers.")
        permissions = payload.get("permissions")
        if not isinstance(permissions, list) or "chat" not in permissions:
            raise AuthError("PERMISSION_DENIED", "The access token does not grant the chat permission.")
        if exp + self.leeway_s <= time.time():
            raise AuthError("TOKEN_EXPIRED", "The access token has expired.")
        return Claims(sub, exp)
