//! The covert duress PIN: typed with a check-in, it raises a silent alarm.

use crate::watch::duress_pin;
use crate::{App, Result, audit};
use chrono::{DateTime, Utc};
use domain::FieldError;
use store::Staff;

/// Sets my covert duress PIN (4 to 12 digits; only its Argon2id hash is kept), with its audit row in the
/// same transaction. Errors: `Invalid("pin")`.
pub async fn set_duress_pin(app: &App, me: &Staff, pin: &str, now: DateTime<Utc>) -> Result<()> {
    let pin = pin.trim();
    if pin.len() < 4 || pin.len() > 12 || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(FieldError::new("pin", "a duress PIN is 4 to 12 digits").into());
    }
    let hash = duress_pin::hash_pin(pin).await?;
    let mut tx = app.db().begin().await?;
    tx.set_duress_pin_hash(me.id, &hash).await?;
    let mut e = audit::entry(
        app,
        me,
        "staff.duress_pin.set",
        "staff",
        me.id.0,
        None,
        serde_json::json!({}),
    );
    e.at = now;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(())
}
