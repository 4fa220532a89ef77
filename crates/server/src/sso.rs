//! Single sign-on with OpenID Connect (OpenID Connect Core 1.0, authorization code flow with
//! PKCE, RFC 7636): the trust's school accounts (Microsoft 365 / Entra ID, Google Workspace)
//! vouch for a member of staff's e-mail address. This module is the protocol only; who is
//! signed in is decided by [`app::school_admin::sign_in_verified`].
//!
//! Each trust sets its own provider (issuer, client id, secret) on its sign-in settings page;
//! the provider's endpoints and signing keys come from its discovery document
//! (`{issuer}/.well-known/openid-configuration`) at each sign-in, so a key rotation needs nothing
//! from the school. State, nonce and the PKCE verifier travel in a short-lived HttpOnly cookie,
//! so any instance can finish a sign-in another started.

use domain::TrustId;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, HttpRequest, HttpResponse, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use std::future::Future;
use std::pin::Pin;
use store::TrustSso;

/// A client built from discovery: authorization endpoint set, token and userinfo as advertised.
type DiscoveredClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// How long a sign-in started at the provider may take to come back, in seconds.
pub(crate) const FLOW_SECONDS: u32 = 600;

/// What every trust's single sign-on shares: one HTTP client to the providers (built once, with
/// timeouts) and the address providers send people back to, `{public URL}/login/sso/callback`.
/// Each trust's provider is in the database (`app::school_admin::set_trust_sso`).
#[derive(Clone)]
pub struct SsoProvider {
    redirect: RedirectUrl,
    http: Http,
}

impl SsoProvider {
    /// Errors: the return address is not a URL (named as the public URL setting), or the HTTP
    /// client could not be built.
    pub fn new(redirect_url: &str) -> Result<Self, String> {
        let redirect = RedirectUrl::new(redirect_url.to_string()).map_err(|e| {
            format!("DOORSTEP_PUBLIC_URL: the sign-in return address is not a URL ({e})")
        })?;
        let http = Http::new().map_err(|e| format!("single sign-on HTTP client: {e}"))?;
        Ok(SsoProvider { redirect, http })
    }

    /// Where providers send people back: what the trust registers at its provider.
    pub(crate) fn redirect_url(&self) -> &str {
        self.redirect.as_str()
    }

    /// One trust's sign-in through its stored settings. Errors: a stored issuer that is not a URL
    /// (as a provider fault: the settings page refuses such an issuer).
    pub(crate) fn for_trust(&self, settings: &TrustSso) -> Result<Sso, SsoError> {
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| SsoError::Provider(format!("the issuer is not a URL: {e}")))?;
        Ok(Sso {
            trust: settings.trust,
            issuer_text: settings.issuer.clone(),
            client_id: settings.client_id.clone(),
            client_secret: settings.client_secret.clone(),
            issuer,
            redirect: self.redirect.clone(),
            http: self.http.clone(),
        })
    }

    /// Fetches `issuer`'s discovery document (OpenID Connect Discovery 1.0 §4) and its signing
    /// keys once, as a sign-in would: the settings page's check that the issuer is a provider.
    /// Errors: why not, in words for the page (unreachable, not a discovery document, or one
    /// naming another issuer).
    pub(crate) async fn check_issuer(&self, issuer: &str) -> Result<(), String> {
        let url = IssuerUrl::new(issuer.to_string()).map_err(|e| format!("not a URL ({e})"))?;
        CoreProviderMetadata::discover_async(url, &self.http)
            .await
            .map(|_| ())
            .map_err(|e| chain(&e))
    }
}

/// One trust's sign-in with its school accounts.
#[derive(Clone)]
pub struct Sso {
    trust: TrustId,
    issuer_text: String,
    client_id: String,
    client_secret: String,
    issuer: IssuerUrl,
    redirect: RedirectUrl,
    http: Http,
}

/// What a started sign-in must remember until the provider sends the person back.
pub(crate) struct Flow {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Why a sign-in through the provider did not finish. The message is for the log and the page.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SsoError {
    #[error("the school account provider could not be reached or answered wrongly: {0}")]
    Provider(String),
    #[error("the sign-in came back without a matching start (state): start again")]
    State,
    #[error("the school account's token was not valid: {0}")]
    Token(String),
    #[error("the school account has no verified e-mail address")]
    Unverified,
}

impl Sso {
    /// The trust whose staff sign in through it.
    pub(crate) fn trust(&self) -> TrustId {
        self.trust
    }

    /// The provider's issuer URL, for the audit trail.
    pub(crate) fn issuer(&self) -> &str {
        &self.issuer_text
    }

    /// The client for the provider as its discovery document describes it now (endpoints, keys).
    async fn client(&self) -> Result<DiscoveredClient, SsoError> {
        let meta = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| SsoError::Provider(chain(&e)))?;
        Ok(CoreClient::from_provider_metadata(
            meta,
            ClientId::new(self.client_id.clone()),
            Some(ClientSecret::new(self.client_secret.clone())),
        )
        .set_redirect_uri(self.redirect.clone()))
    }

    /// Starts a sign-in: the provider's address to send the browser to, and what to remember.
    pub(crate) async fn start(&self) -> Result<(String, Flow), SsoError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        let flow = Flow {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        };
        Ok((url.to_string(), flow))
    }

    /// Finishes a sign-in: checks `state` against the flow, redeems `code` with the PKCE verifier,
    /// and checks the ID token (signature against the provider's JWKS, issuer, audience, expiry,
    /// nonce). Returns the verified e-mail address; an address the provider does not mark
    /// `email_verified: true` (or, without that claim, Entra ID's `xms_edov: true`) is refused.
    pub(crate) async fn finish(
        &self,
        flow: &Flow,
        state: &str,
        code: &str,
    ) -> Result<String, SsoError> {
        if flow.state.is_empty() || state != flow.state {
            return Err(SsoError::State);
        }
        let client = self.client().await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| SsoError::Provider(chain(&e)))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| SsoError::Provider(chain(&e)))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| SsoError::Token("no ID token in the answer".into()))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(flow.nonce.clone()))
            .map_err(|e| SsoError::Token(chain(&e)))?;
        let verified = match claims.email_verified() {
            Some(v) => v,
            // Entra ID never sends `email_verified` for organisational accounts; its optional
            // `xms_edov` claim ("email domain owner verified") says the same for the tenant's
            // own domain. Read from the token whose signature was just checked.
            None => entra_domain_verified(&id_token.to_string()),
        };
        match claims.email() {
            Some(email) if verified => Ok(email.as_str().to_string()),
            _ => Err(SsoError::Unverified),
        }
    }

    /// The provider's end-session endpoint (OpenID Connect RP-Initiated Logout 1.0), if its
    /// discovery document advertises one, with our client id so it knows whose session it is.
    pub(crate) async fn end_session_url(&self) -> Option<String> {
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.issuer.as_str().trim_end_matches('/')
        );
        let doc: serde_json::Value = self.http.get_json(&url).await.ok()?;
        let end = doc.get("end_session_endpoint")?.as_str()?;
        let mut url = reqwest::Url::parse(end).ok()?;
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id);
        Some(url.to_string())
    }
}

/// Whether a (verified) ID token carries Entra ID's `xms_edov: true`.
fn entra_domain_verified(jwt: &str) -> bool {
    use base64::Engine;
    let Some(payload) = jwt.split('.').nth(1) else {
        return false;
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|claims| claims.get("xms_edov") == Some(&serde_json::Value::Bool(true)))
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Our reqwest 0.13 (rustls with the ring provider) as openidconnect's HTTP client, so no second
/// HTTP/TLS stack is built. Redirects are not followed (a token endpoint must not be redirected).
#[derive(Clone)]
struct Http(reqwest::Client);

impl Http {
    fn new() -> reqwest::Result<Self> {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map(Http)
    }

    async fn get_json(&self, url: &str) -> Result<serde_json::Value, String> {
        let bytes = self
            .0
            .get(url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| e.to_string())?
            .bytes()
            .await
            .map_err(|e| e.to_string())?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }
}

impl<'c> openidconnect::AsyncHttpClient<'c> for Http {
    type Error = openidconnect::HttpClientError<reqwest::Error>;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Self::Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(Box::new)?;
            let response = self.0.execute(request).await.map_err(Box::new)?;
            let mut builder = openidconnect::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response.bytes().await.map_err(Box::new)?;
            builder
                .body(body.to_vec())
                .map_err(openidconnect::HttpClientError::Http)
        })
    }
}
