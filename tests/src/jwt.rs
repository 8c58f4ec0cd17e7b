//! Support for the JWT and OpenID Connect tests: key pairs generated when the tests run (no
//! private key is kept in the repository), tokens, and a local key server whose documents a
//! test can change.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use actix_test::TestServer;
use actix_web::{web, App, HttpResponse};
use auth_actix::jwt::{Algorithm, EncodingKey, TokenSigner};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
use rsa::Generate;
use serde_json::{json, Map, Value};

/// The HMAC secret of the tests' HS256 backend.
pub const SECRET: &[u8] = b"the HS256 secret of the tests, 32+ bytes";

/// The issuer the tests' tokens name.
pub const ISSUER: &str = "https://issuer.test";

/// The audience the tests' tokens name.
pub const AUDIENCE: &str = "notes-api";

/// A key pair with its key id and algorithm.
#[derive(Debug)]
pub struct TestKey {
    kid: String,
    algorithm: Algorithm,
    private_pem: String,
    public_pem: String,
}

impl TestKey {
    /// A fresh 2048-bit RSA key for RS256 (this takes a moment; see [`rsa_a`]).
    pub fn rsa(kid: &str) -> Self {
        let private = rsa::PrivateKey::generate();
        let public = private.to_public_key();
        Self::new(
            kid,
            Algorithm::RS256,
            private.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
            public.to_public_key_pem(LineEnding::LF).unwrap(),
        )
    }

    /// A fresh P-256 key for ES256.
    pub fn ec(kid: &str) -> Self {
        let private = <p256::SecretKey as Generate>::generate();
        let public = private.public_key();
        Self::new(
            kid,
            Algorithm::ES256,
            private.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
            public.to_public_key_pem(LineEnding::LF).unwrap(),
        )
    }

    /// A fresh Ed25519 key for EdDSA.
    pub fn ed25519(kid: &str) -> Self {
        let private = ed25519_dalek::SigningKey::from_bytes(&<[u8; 32]>::generate());
        let public = private.verifying_key();
        Self::new(
            kid,
            Algorithm::EdDSA,
            private.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
            public.to_public_key_pem(LineEnding::LF).unwrap(),
        )
    }

    fn new(kid: &str, algorithm: Algorithm, private_pem: String, public_pem: String) -> Self {
        Self {
            kid: kid.to_owned(),
            algorithm,
            private_pem,
            public_pem,
        }
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The PEM public key.
    pub fn public_pem(&self) -> &str {
        &self.public_pem
    }

    fn encoding_key(&self) -> EncodingKey {
        let pem = self.private_pem.as_bytes();
        match self.algorithm {
            Algorithm::RS256 => EncodingKey::from_rsa_pem(pem),
            Algorithm::ES256 => EncodingKey::from_ec_pem(pem),
            _ => EncodingKey::from_ed_pem(pem),
        }
        .unwrap()
    }

    /// A signer naming this key's id in its tokens.
    pub fn signer(&self) -> TokenSigner {
        self.signer_as(&self.kid)
    }

    /// A signer with this key naming another key id, for wrong-key and unknown-key tests.
    pub fn signer_as(&self, kid: &str) -> TokenSigner {
        TokenSigner::new(self.encoding_key(), self.algorithm)
            .unwrap()
            .with_kid(kid)
    }

    /// The public JWK of this key, with its id, `use` and `alg`.
    pub fn jwk(&self) -> Value {
        self.signer().public_jwk().unwrap()
    }
}

/// A JWKS document of these keys.
pub fn jwks(keys: &[&TestKey]) -> String {
    let keys: Vec<Value> = keys.iter().map(|key| key.jwk()).collect();
    json!({ "keys": keys }).to_string()
}

/// The first RSA key of a test run, generated once.
pub fn rsa_a() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| TestKey::rsa("rsa-a"))
}

/// The second RSA key of a test run, generated once.
pub fn rsa_b() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| TestKey::rsa("rsa-b"))
}

/// The current time, in seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The claims of a valid token for `ada`, with `changes` applied (a `null` removes a claim).
pub fn claims(changes: Value) -> Map<String, Value> {
    let mut claims = json!({
        "sub": "ada",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now(),
        "exp": now() + 600,
        "scope": "notes:read",
    });
    if let (Some(claims), Value::Object(changes)) = (claims.as_object_mut(), changes) {
        for (name, value) in changes {
            if value.is_null() {
                claims.remove(&name);
            } else {
                claims.insert(name, value);
            }
        }
    }
    match claims {
        Value::Object(claims) => claims,
        _ => unreachable!(),
    }
}

/// A token signed by `signer` with [`claims`]`(changes)`.
pub fn token(signer: &TokenSigner, changes: Value) -> String {
    signer.sign_claims(claims(changes)).unwrap()
}

/// A token with any header and claims and these signature bytes, for forgeries.
pub fn crafted(header: &Value, claims: &Value, signature: &[u8]) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

/// What [`KeyServer`] publishes.
#[derive(Debug, Default)]
struct Published {
    jwks: Mutex<String>,
    issuer: Mutex<Option<String>>,
    jwks_fetches: AtomicUsize,
    failing: AtomicBool,
}

/// A local HTTP server publishing a JWKS at `/jwks` and an OpenID Connect discovery document
/// at `/.well-known/openid-configuration`, both changeable while it runs.
pub struct KeyServer {
    server: TestServer,
    published: Arc<Published>,
}

impl KeyServer {
    /// Starts a server publishing this JWKS document.
    pub fn start(jwks: String) -> Self {
        let published = Arc::new(Published::default());
        *published.jwks.lock().unwrap() = jwks;

        let data = web::Data::from(Arc::clone(&published));
        let server = actix_test::start(move || {
            App::new()
                .app_data(data.clone())
                .route("/jwks", web::get().to(serve_jwks))
                .route(
                    "/.well-known/openid-configuration",
                    web::get().to(serve_discovery),
                )
        });
        let issuer = format!("http://{}", server.addr());
        *published.issuer.lock().unwrap() = Some(issuer);
        Self { server, published }
    }

    /// The issuer this server stands for: its own origin, `http://127.0.0.1:<port>`.
    pub fn issuer(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// The URL of the JWKS.
    pub fn jwks_url(&self) -> String {
        self.server.url("/jwks")
    }

    /// Publishes another JWKS document.
    pub fn publish(&self, jwks: String) {
        *self.published.jwks.lock().unwrap() = jwks;
    }

    /// Makes the discovery document name another issuer.
    pub fn claim_issuer(&self, issuer: &str) {
        *self.published.issuer.lock().unwrap() = Some(issuer.to_owned());
    }

    /// Makes every request fail with 500 (or succeed again).
    pub fn fail(&self, failing: bool) {
        self.published.failing.store(failing, Ordering::SeqCst);
    }

    /// How often the JWKS was fetched.
    pub fn jwks_fetches(&self) -> usize {
        self.published.jwks_fetches.load(Ordering::SeqCst)
    }
}

impl std::fmt::Debug for KeyServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyServer")
            .field("addr", &self.server.addr())
            .finish_non_exhaustive()
    }
}

async fn serve_jwks(published: web::Data<Published>) -> HttpResponse {
    published.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    if published.failing.load(Ordering::SeqCst) {
        return HttpResponse::InternalServerError().finish();
    }
    let jwks = published.jwks.lock().unwrap().clone();
    HttpResponse::Ok()
        .content_type("application/json")
        .body(jwks)
}

async fn serve_discovery(
    published: web::Data<Published>,
    req: actix_web::HttpRequest,
) -> HttpResponse {
    if published.failing.load(Ordering::SeqCst) {
        return HttpResponse::InternalServerError().finish();
    }
    let info = req.connection_info();
    let origin = format!("{}://{}", info.scheme(), info.host());
    let issuer = published.issuer.lock().unwrap().clone();
    HttpResponse::Ok().json(json!({
        "issuer": issuer,
        "jwks_uri": format!("{origin}/jwks"),
        "id_token_signing_alg_values_supported": ["RS256", "ES256", "EdDSA"],
    }))
}
