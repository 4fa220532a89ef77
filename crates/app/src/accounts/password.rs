//! Changing one's own password, and the rules every new password meets (here, a reset, a new
//! account): at least [`MIN_PASSWORD_CHARS`] characters, not the e-mail address nor its name
//! part, not one character repeated. Hashing (Argon2id) runs off the async threads.

use super::tell_holder;
use crate::school_admin::{hash_password, verify_password};
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use store::Staff;

/// The fewest characters a password may have (NCSC: length beats complexity rules).
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The most bytes a password may have: Argon2 takes any length, a request body should not.
const MAX_PASSWORD_BYTES: usize = 1024;

/// Checks a new password for the account with `email`, refusing it naming `field`, in a school's
/// words. Errors: `Invalid(field)`.
pub fn check_new_password(field: &str, password: &str, email: &str) -> Result<()> {
    let refuse = |why: &str| Err(Refusal::invalid(field, why));
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return refuse("Choose a password of at least 10 characters");
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return refuse("Choose a shorter password: at most 1,024 characters");
    }
    if password.chars().any(char::is_control) {
        return refuse("A password cannot hold tabs, line breaks or other control characters");
    }
    let lower = password.trim().to_lowercase();
    let email = email.trim().to_lowercase();
    let name = email.split('@').next().unwrap_or_default();
    if lower == email || (!name.is_empty() && lower == name) {
        return refuse("Choose a password that is not your e-mail address");
    }
    let mut chars = lower.chars();
    if let Some(first) = chars.next()
        && chars.all(|c| c == first)
    {
        return refuse("Choose a password that is not one character repeated");
    }
    Ok(())
}

/// A change of one's own password.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub new_password: String,
}

/// Changes my password: the current one must be right and the new one meet
/// [`check_new_password`]. Every other session of mine ends at once (`current`: this session's
/// token hash stays); audited `staff.password_changed`; I am e-mailed when e-mail is set up, so
/// a change I did not make does not go unnoticed. Answers how many other sessions ended.
/// Errors: `Invalid("current_password")`, `Invalid("new_password")`.
pub async fn change_password(
    app: &App,
    me: &Staff,
    current: &str,
    input: &ChangePasswordInput,
    now: DateTime<Utc>,
) -> Result<u64> {
    check_new_password("new_password", &input.new_password, &me.email)?;
    if input.new_password == input.current_password {
        return Err(Refusal::invalid(
            "new_password",
            "Choose a new password different from the current one",
        ));
    }
    let stored = {
        let mut tx = app.db().begin().await?;
        tx.password_hash(me.id).await?
    };
    if !verify_password(input.current_password.clone(), stored).await? {
        return Err(Refusal::invalid(
            "current_password",
            "That is not your current password",
        ));
    }
    let hash = hash_password(input.new_password.clone()).await?;
    let lapse = crate::school_admin::is_out_visiting(app, me).await?;
    let mut tx = app.db().begin().await?;
    tx.set_password_hash(me.id, &hash).await?;
    let ended = super::sessions::end_sessions(&mut tx, me, Some(current), lapse, now).await?;
    let detail = serde_json::json!({ "other_sessions_ended": ended });
    let mut e = audit::entry(
        app,
        me,
        "staff.password_changed",
        "staff",
        me.id.0,
        None,
        detail,
    );
    e.at = now;
    tx.append_audit(&e).await?;
    let body = format!(
        "Dear {name},\n\n\
         The password of your Doorstep account ({email}) was changed at {at} UTC, and every other \
         device signed in to it was signed out.\n\n\
         If this was you, there is nothing to do. If it was not you, tell your school's office and \
         your designated safeguarding lead today.\n",
        name = me.name,
        email = me.email,
        at = now.format("%H:%M on %d %B %Y"),
    );
    let topic = format!("password-changed:{}", now.timestamp());
    let subject = "Your Doorstep password was changed";
    tell_holder(app, &mut tx, me, &topic, subject, &body, now).await?;
    tx.commit().await?;
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::check_new_password;

    #[test]
    fn weak_passwords_are_refused_in_plain_words_naming_the_field() {
        let email = "j.smith@harton.sch.uk";
        for (password, words) in [
            ("short", "at least 10 characters"),
            ("J.Smith@Harton.sch.uk", "not your e-mail address"),
            ("j.smithxxx", ""),
            ("aaaaaaaaaaaa", "one character repeated"),
            ("tab\there1234", "control characters"),
        ] {
            let got = check_new_password("new_password", password, email);
            if words.is_empty() {
                assert!(got.is_ok(), "{password}");
                continue;
            }
            let e = got.expect_err(password);
            assert!(e.to_string().starts_with("new_password: "), "{e}");
            assert!(e.to_string().contains(words), "{password}: {e}");
        }
        assert!(check_new_password("new_password", "correct horse battery", email).is_ok());
    }
}
