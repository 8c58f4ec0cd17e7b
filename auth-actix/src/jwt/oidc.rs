//! OpenID Connect providers found by discovery.

use auth_core::jwt::{discovery_url, DiscoveryDocument, JwtBackend, JwtError, OidcUserMapper};

use super::{FetchOptions, RemoteJwks};
use crate::TARGET;

/// An OpenID Connect provider: its discovery document and its keys.
///
/// [`discover`](Self::discover) reads `{issuer}/.well-known/openid-configuration`, checks that
/// it names the same issuer, and starts a [`RemoteJwks`] on its `jwks_uri`.
///
/// # Examples
///
/// Accepting Google ID tokens sent as bearer tokens:
///
/// ```no_run
/// use actix_web::{get, App, HttpServer};
/// use auth_actix::jwt::{FetchOptions, OidcProvider, OidcUser};
/// use auth_actix::{AuthUser, AuthenticationMiddleware, Chain, User};
///
/// #[get("/me")]
/// async fn me(User(user): User<OidcUser>) -> String {
///     format!("{} ({})", user.display_name(), user.subject())
/// }
///
/// # #[actix_web::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let google = OidcProvider::discover("https://accounts.google.com", FetchOptions::default())
///     .await?;
/// // Google writes its issuer both with and without the scheme.
/// let backend = google
///     .id_token_backend("1234-abc.apps.googleusercontent.com")?
///     .issuer("accounts.google.com");
/// let auth = AuthenticationMiddleware::new(Chain::new(backend));
///
/// HttpServer::new(move || App::new().wrap(auth.clone()).service(me))
///     .bind(("127.0.0.1", 8080))?
///     .run()
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct OidcProvider {
    document: DiscoveryDocument,
    jwks: RemoteJwks,
}

impl OidcProvider {
    /// Reads the discovery document of `issuer` and fetches its keys.
    ///
    /// Call it on an actix runtime, as [`RemoteJwks::start`].
    ///
    /// # Errors
    ///
    /// [`JwtError::InsecureUrl`] for an issuer or `jwks_uri` that is not `https` (unless
    /// allowed), [`JwtError::Fetch`] when a fetch fails, [`JwtError::IssuerMismatch`] when
    /// the document names another issuer, or a document error.
    pub async fn discover(issuer: &str, options: FetchOptions) -> Result<Self, JwtError> {
        let url = discovery_url(issuer);
        options.check_url(&url)?;
        let body = options.fetch(&url).await?;
        let document = DiscoveryDocument::parse(&body, issuer)?;
        tracing::info!(target: TARGET, issuer, jwks_uri = document.jwks_uri(), "discovered the OpenID Connect provider");

        let jwks = RemoteJwks::start(document.jwks_uri(), options).await?;
        Ok(Self { document, jwks })
    }

    /// The discovery document.
    pub fn document(&self) -> &DiscoveryDocument {
        &self.document
    }

    /// The provider's keys.
    pub fn jwks(&self) -> &RemoteJwks {
        &self.jwks
    }

    /// A backend for this provider's ID tokens issued to `client_id`; see
    /// [`JwtBackend::id_tokens`].
    ///
    /// The algorithms are those the provider lists for ID tokens (public-key ones only).
    ///
    /// # Errors
    ///
    /// As [`JwtBackend::id_tokens`].
    pub fn id_token_backend(
        &self,
        client_id: &str,
    ) -> Result<JwtBackend<RemoteJwks, OidcUserMapper>, JwtError> {
        JwtBackend::id_tokens(
            self.jwks.clone(),
            self.document.issuer(),
            client_id,
            self.document.algorithms().iter().copied(),
        )
    }
}
