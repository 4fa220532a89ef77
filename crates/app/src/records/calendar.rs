//! P7: secret, revocable calendar links — a person's visits, or a school's "calendar of
//! whereabouts" — and the visits behind a link's feed. Only a hash of each secret is kept; the
//! server encodes the feed as iCalendar.

use crate::access::{
    calendar_feed_allowed, manages_calendar_links, school_in_scope, sees_school_visits,
};
use crate::audit::entry;
use crate::{App, Refusal, Result};
use chrono::{DateTime, Duration, Utc};
use domain::StaffId;
use domain::text::Line;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::{CalendarLink, NewCalendarLink, Staff, VisitRow, VisitRowFilter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkScope {
    /// The visits I am on or buddy for.
    Mine,
    /// Every visit of the school: the office's calendar of whereabouts.
    School,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLinkInput {
    pub scope: LinkScope,
    pub school_id: Option<i64>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub label: Option<Line<100>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NewLink {
    pub link: CalendarLink,
    /// Shown once: only a hash of the secret is kept. Anyone with this address sees the feed
    /// until the link is revoked.
    pub url: String,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(format!("doorstep-ical:{token}").as_bytes()))
}

/// P7: a secret calendar address (`/ical/{token}.ics`) for my visits, or (for the office and
/// school leaders) the school's. One transaction with the audit row (`calendar_link.create`).
/// Errors: `Invalid("school_id")`, `BadRequest("school_id")` (see `school_in_scope`);
/// `Forbidden` for a school's calendar by anyone else; `Invalid("label")`.
pub async fn create_calendar_link(app: &App, me: &Staff, input: NewLinkInput) -> Result<NewLink> {
    let school = school_in_scope(app, me, input.school_id).await?;
    let staff = match input.scope {
        LinkScope::Mine => Some(me.id),
        LinkScope::School => {
            if !sees_school_visits(app, me, school).await? {
                return Err(Refusal::forbidden(
                    "only the office and school leaders may publish the school's calendar",
                ));
            }
            None
        }
    };
    let label = input
        .label
        .as_deref()
        .map(str::to_string)
        .unwrap_or_else(|| match staff {
            Some(_) => format!("{}'s visits", me.name),
            None => "School calendar of whereabouts".to_string(),
        });
    let token = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let now = app.now();
    let mut tx = app.db().begin().await?;
    let id = tx
        .create_calendar_link(
            &NewCalendarLink {
                token_hash: &token_hash(&token),
                school,
                staff,
                label: &label,
                created_by: me.id,
            },
            now,
        )
        .await?;
    tx.append_audit(&entry(
        app,
        me,
        "calendar_link.create",
        "calendar_link",
        id,
        Some(school),
        serde_json::json!({ "scope": if staff.is_some() { "mine" } else { "school" } }),
    ))
    .await?;
    let link = tx.calendar_link(id).await?;
    tx.commit().await?;
    Ok(NewLink {
        link,
        url: format!("/ical/{token}.ics"),
    })
}

/// My calendar links of the school named (or mine); its head sees every link of the school.
/// Errors: as `school_in_scope`.
pub async fn calendar_links(
    app: &App,
    me: &Staff,
    school_id: Option<i64>,
) -> Result<Vec<CalendarLink>> {
    let school = school_in_scope(app, me, school_id).await?;
    let mine_only = !manages_calendar_links(me, school);
    Ok(app
        .db()
        .calendar_links(school, mine_only.then_some(me.id))
        .await?)
}

/// Revokes a link at once: its address answers "not found" from now on. Its maker or the
/// school's head; one transaction with the audit row (`calendar_link.revoke`). Errors:
/// `NotFound("calendar link")` for anyone else; `Conflict("link")` when already revoked.
pub async fn revoke_calendar_link(app: &App, me: &Staff, id: i64) -> Result<CalendarLink> {
    let now = app.now();
    let mut tx = app.db().begin().await?;
    let link = tx.calendar_link(id).await?;
    if link.created_by != me.id.0 && !manages_calendar_links(me, link.school_id) {
        return Err(Refusal::not_found("calendar link"));
    }
    tx.revoke_calendar_link(link.id, me.id, now).await?;
    tx.append_audit(&entry(
        app,
        me,
        "calendar_link.revoke",
        "calendar_link",
        link.id,
        Some(link.school_id),
        serde_json::json!({}),
    ))
    .await?;
    let revoked = tx.calendar_link(link.id).await?;
    tx.commit().await?;
    Ok(revoked)
}

/// What a calendar feed shows: its name and the visits in it.
#[derive(Debug)]
pub struct CalendarFeed {
    /// "School - label".
    pub name: String,
    pub rows: Vec<VisitRow>,
    /// When it was read (UTC), the feed's timestamp.
    pub at: DateTime<Utc>,
}

/// The visits behind a secret link (`token`, without `.ics`): from 30 days ago to 120 days ahead.
/// Polls are noted on the link (`last_used_at`) rather than audited one by one. Errors:
/// `NotFound("calendar")` for an empty, too long, unknown or revoked token, or one whose maker
/// has left or lost the right to see it.
pub async fn calendar_feed(app: &App, token: &str) -> Result<CalendarFeed> {
    let not_found = || Refusal::not_found("calendar");
    if token.is_empty() || token.len() > 128 {
        return Err(not_found());
    }
    let db = app.db();
    let link = db
        .live_calendar_link(&token_hash(token))
        .await?
        .ok_or_else(not_found)?;
    let maker = db.staff(StaffId(link.created_by)).await?;
    if !calendar_feed_allowed(app, &maker, link.school_id, link.staff_id.is_none()).await? {
        return Err(not_found());
    }
    let school = db.school(link.school_id).await?;
    let now = app.now();
    let rows = db
        .visit_rows(&VisitRowFilter {
            trust: Some(school.trust_id),
            school: Some(school.id),
            involving: link.staff_id.map(StaffId),
            from: Some(now - Duration::days(30)),
            to: Some(now + Duration::days(120)),
            limit: 5000,
            ..VisitRowFilter::default()
        })
        .await?;
    db.touch_calendar_link(link.id, now).await?;
    Ok(CalendarFeed {
        name: format!("{} - {}", school.name, link.label),
        rows,
        at: now,
    })
}
