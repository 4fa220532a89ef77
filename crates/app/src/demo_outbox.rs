//! The demo outbox (issue #11 item 11): with no e-mail, SMS or webhook set up, `doorstep demo`
//! keeps the messages the ladder would send (the monitor marks them kept instead of failing
//! them), and the office and head read them here, like a development mail catcher — so a demo
//! alarm shows what would be sent rather than "No message could be delivered".

use crate::permissions::DEMO_OUTBOX_READERS;
use crate::{App, Refusal, Result, access, audit};
use store::{KeptMessage, Staff};

/// The most messages the page shows.
const SHOWN: i64 = 200;

/// The newest 200 messages kept for the school (`school_id`, else the person's own), newest
/// first. Message bodies may carry an information pack, so the read is audited.
/// Errors: `NotFound` when this is not a demo (the page does not exist outside one),
/// `Forbidden` for anyone but the office and the head, `Invalid("school_id")` for a school out
/// of scope.
pub async fn kept_messages(
    app: &App,
    me: &Staff,
    school_id: Option<i64>,
) -> Result<Vec<KeptMessage>> {
    if !app.demo_outbox() {
        return Err(Refusal::NotFound(
            "the outbox page exists only in the demo (doorstep demo)".into(),
        ));
    }
    access::require_any(me, &DEMO_OUTBOX_READERS, "read the demo outbox")?;
    let school = access::school_in_scope(app, me, school_id).await?;
    let kept = app.db().demo_outbox(school.0, SHOWN).await?;
    audit::audit_read(app, me, "read the demo outbox", "school", school.0, school).await?;
    Ok(kept)
}
