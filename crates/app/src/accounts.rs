//! Accounts people manage themselves or have managed for them (#12 item 3, #10 item 3): "my
//! sessions" (see and end them), changing one's password, a forgotten password reset by an
//! e-mailed link or by the school's administrator, grants of senior roles that need a second
//! person, and the second factor's limit on wrong codes and reset of a lost authenticator.
//!
//! Each function is one thing a person does; the JSON API and the pages both call it. Every
//! change is one transaction with its audit row. No HTTP here (cookies stay in the server).

mod authenticator;
mod grants;
mod password;
mod reset;
mod sessions;

pub use authenticator::{
    CODE_FAILURES_TO_PAUSE, CODE_PAUSE_MINUTES, check_code_pause, record_wrong_code,
    reset_authenticator,
};
pub(crate) use grants::request_grants;
pub use grants::{
    GrantView, PendingGrants, approve_grant, grants_needing_approval, refuse_grant,
    split_senior_roles,
};
pub use password::{ChangePasswordInput, MIN_PASSWORD_CHARS, change_password, check_new_password};
pub use reset::{
    IssuedReset, NewPasswordInput, RESET_MINUTES, ResetRequest, complete_reset, issue_reset,
    request_reset, reset_holder,
};
pub use sessions::{MySession, my_sessions, sign_out_others, sign_out_session};

use crate::Result;
use crate::outbox::{self, Outgoing};
use chrono::{DateTime, Utc};
use domain::policy::Channel;
use store::{Staff, Tx};

/// Queues an e-mail about their account to `holder`, when the server sends e-mail; `topic`
/// makes it once per occasion.
async fn tell_holder(
    app: &crate::App,
    tx: &mut Tx,
    holder: &Staff,
    topic: &str,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if !app.sends_email() {
        return Ok(());
    }
    let m = Outgoing {
        topic,
        to: holder,
        channel: Channel::Email,
        subject,
        body,
        visit: None,
        alarm: None,
        webhook: None,
    };
    outbox::queue(tx, &m, now).await?;
    Ok(())
}

/// A new random token for a link or a session: 256 bits, hex.
fn new_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}
