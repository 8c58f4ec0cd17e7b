//! Bearer tokens: the demo issues HS256 JWTs at `/token` and accepts them on every route.

use std::time::Duration;

use actix_web::cookie::Key;
use auth_actix::jwt::{Algorithm, Claims, ClaimsMapper, JwtBackend, KeySet, TokenSigner};
use auth_actix::AuthError;

use super::{Account, Visitor, REALM};

/// How long a token from `/token` stays valid.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// The demo's bearer backend: HS256 tokens it issued itself, mapped to accounts.
pub type DemoTokens = JwtBackend<KeySet, TokenAccount>;

/// The issuer named in, and required of, every demo token.
const ISSUER: &str = "actix-auth-demo";

/// The HMAC secret of the demo's tokens, derived from the session key so that one secret
/// (`SESSION_KEY`) configures the demo, yet never used for anything else.
fn token_secret(key: &Key) -> Vec<u8> {
    let mut input = key.master().to_vec();
    input.extend_from_slice(b"demo bearer tokens");
    Key::derive_from(&input).signing().to_vec()
}

/// The bearer backend for `key`; WebSocket handshakes may carry the token as `access_token`.
///
/// # Panics
///
/// Never in practice: the secret is 32 bytes and HS256 alone is allowed.
pub fn token_backend(key: &Key) -> DemoTokens {
    let keys = KeySet::hmac(&token_secret(key)).expect("a 32-byte HMAC secret");
    JwtBackend::new(keys, [Algorithm::HS256])
        .expect("HS256 alone is a valid allow-list")
        .issuer(ISSUER)
        .realm(REALM)
        .websocket_query_param("access_token")
        .with_mapper(TokenAccount)
}

/// The signer behind `/token`, sharing [`token_backend`]'s secret.
///
/// # Panics
///
/// Never in practice: the secret is 32 bytes.
pub fn token_signer(key: &Key) -> TokenSigner {
    TokenSigner::hs256(&token_secret(key))
        .expect("a 32-byte HMAC secret")
        .with_issuer(ISSUER)
        .with_lifetime(TOKEN_LIFETIME)
}

/// Maps a demo token's claims to the account named by `sub`.
#[derive(Clone, Copy, Debug)]
pub struct TokenAccount;

impl ClaimsMapper for TokenAccount {
    type User = Visitor;

    fn map(&self, claims: &Claims) -> Result<Visitor, AuthError> {
        let username = claims
            .subject()
            .ok_or_else(|| AuthError::rejected("the token names no subject"))?;
        let scopes = claims.string("scope").unwrap_or_default();

        Ok(Visitor::Account(Account {
            username: username.to_owned(),
            scopes: scopes.split_whitespace().map(str::to_owned).collect(),
            password_hash: String::new(),
        }))
    }
}
