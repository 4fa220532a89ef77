//! Single sign-on: a school account (Microsoft 365, Google Workspace) vouches for an e-mail
//! address, and this signs in the member of staff with that address. The OpenID Connect exchange
//! itself (state, nonce, PKCE, the ID token's signature) is the server's; this use case only
//! decides who, if anyone, is signed in, and audits the answer either way.

use super::session::{SignedIn, start_session};
use crate::{App, Result};
use chrono::{DateTime, Utc};
use domain::TrustId;
use store::AuditEntry;

/// What the school account's provider vouched for, after the server checked the ID token.
pub struct VerifiedAccount {
    /// The trust whose single sign-on this came through: only its staff may sign in by it.
    pub trust: TrustId,
    /// The provider's `iss`, recorded in the audit trail.
    pub issuer: String,
    /// The `email` claim. Only an address the provider marks verified (`email_verified: true`,
    /// OpenID Connect Core 1.0 §5.1) may reach this function.
    pub verified_email: String,
}

/// Why a school account signed nobody in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoRefused {
    /// No active member of staff of the trust has this e-mail address (unknown, or deactivated).
    NotOnStaffList,
}

/// Signs in the active member of staff of `account.trust` whose e-mail address (any case) is the
/// verified address, starting a session as a password sign-in does, audited as
/// `session.login_sso` in the same transaction; `device` is the browser's `User-Agent`, kept in
/// plain words ("Chrome on Android") for "my sessions" as a password sign-in does. An address that matches nobody active creates
/// nothing, and is audited as `session.sso_refused` (with the address, so the office can see who
/// tried). Errors: only the store's.
pub async fn sign_in_verified(
    app: &App,
    account: &VerifiedAccount,
    device: Option<&str>,
    now: DateTime<Utc>,
) -> Result<std::result::Result<SignedIn, SsoRefused>> {
    let email = account.verified_email.trim().to_lowercase();
    let found = match app.db().staff_login(&email).await? {
        Some((id, _)) => Some(app.db().staff(id).await?),
        None => None,
    };
    match found.filter(|s| s.active && s.trust_id == account.trust) {
        Some(staff) => {
            let device = device.map(domain::device::describe);
            let detail =
                serde_json::json!({ "method": "sso", "issuer": account.issuer, "device": device });
            Ok(Ok(start_session(
                app,
                staff,
                device.as_deref(),
                "session.login_sso",
                detail,
                now,
            )
            .await?))
        }
        None => {
            app.db()
                .append_audit(&AuditEntry {
                    at: now,
                    actor: None,
                    school: None,
                    action: "session.sso_refused".into(),
                    // About the trust (nobody is signed in), so the trust's audit trail lists it.
                    subject_type: "trust",
                    subject_id: Some(account.trust.0),
                    detail: serde_json::json!({
                        "email": email,
                        "issuer": account.issuer,
                        "reason": "not an active member of staff of this trust",
                    }),
                })
                .await?;
            Ok(Err(SsoRefused::NotOnStaffList))
        }
    }
}
