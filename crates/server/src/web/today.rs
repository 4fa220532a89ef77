//! Today, for visiting staff on a phone: my visits, and on each one that is under way big
//! one-tap actions (left school, arrived, I'm OK, need more time, leaving, back, panic) with the
//! next check-in counting down. I'm OK, Panic and Call 999 are a help bar, one per visit; the
//! bar of the visit in most trouble is pinned to the bottom of the screen
//! (`card_rules::help_bar`). With JavaScript the same forms go to the JSON API by `fetch` and are
//! queued on the phone when there is no signal (`static/app.js`).

use super::page::{Chrome, Ctx, Errors, WebError, render_with};
use super::time::{Local, iso, relative};
use crate::AppState;
use crate::web::PageQuery;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use domain::monitor::{DeadlineKind, DeadlineState};
use domain::policy::ArrivalRule;
use domain::visit::VisitStatus;
use serde::Deserialize;
use store::{DeadlineRow, VisitSummary};

mod act;
mod alarm;
mod card_rules;

use card_rules::{called_off, help_bar};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/today", get(today))
        .route("/today/{id}/{action}", post(act::act))
        .route("/today/{id}/panic-confirm", get(alarm::confirm))
}

/// More than this many cards of visits not yet under way and a phone screen is useless; the
/// rest are listed. A visit under way always has its card: its panic button must be there (A8).
const MAX_CARDS: usize = 6;
/// How far ahead an authorised visit on tomorrow's date is already on Today's cards.
const READY_AHEAD: chrono::Duration = chrono::Duration::hours(3);

#[derive(Template)]
#[template(path = "today.html")]
struct TodayPage {
    chrome: Chrome,
    flash: Option<&'static str>,
    /// D7: after "Left early — felt unsafe", the incident form for that visit.
    report_incident: Option<String>,
    cards: Vec<Card>,
    /// The visit whose help bar is pinned to the bottom of the screen, and how many more I am out on.
    pinned_visit: i64,
    others_out: usize,
    others: Vec<Row>,
    errors: Errors,
    error_visit: i64,
}

pub struct Due {
    pub at: DateTime<Utc>,
    pub iso: String,
    pub time: String,
    pub relative: String,
    pub overdue: bool,
}

impl Due {
    fn new(at: DateTime<Utc>, now: DateTime<Utc>, local: &Local) -> Self {
        Due {
            at,
            iso: iso(at),
            time: local.time(at),
            relative: relative(at, now),
            overdue: at <= now,
        }
    }
}

pub struct Person {
    pub name: String,
    pub mobile: String,
}

struct Card {
    id: i64,
    status: VisitStatus,
    pupil: String,
    family: String,
    address: String,
    postcode: String,
    landline: String,
    staff: Vec<Person>,
    buddy: Option<Person>,
    i_visit: bool,
    code_word: String,
    leave_school: String,
    arrive: String,
    leave_property: String,
    back: String,
    returns_home: bool,
    next_due: Option<Due>,
    leave_by: Option<Due>,
    back_by: Option<Due>,
    last_contact: String,
    check_ins: usize,
    extend_minutes: u32,
    /// #13: the school's policy lets staff tap "left" without "arrived".
    arrival_optional: bool,
    client_ref: String,
    /// The check-in with a note or PIN is a form of its own, so a tap of its own.
    pin_ref: String,
    extend_ref: String,
    /// Panic, duress and observations: the alarm's kind is part of its key, so one id per card
    /// tells a resend from a second tap of a different button.
    alarm_ref: String,
    /// The school's time zone, for the script that redraws the alarm lines.
    tz: &'static str,
    /// After a panic: sent when, and who is dealing with it. Never a duress alarm.
    help: Option<alarm::HelpLine>,
    /// An open missed check-in: the card is red with the ladder's instruction.
    missed: Option<alarm::MissedBox>,
    /// School closed the visit's overdue alarm and nobody has checked in since (tester C2).
    closed: Option<String>,
    /// The safety monitor watches the visitors (a visit cancelled at the door until they are back).
    watched: bool,
    /// For the buddy while staff are out: "Hand over to another buddy".
    hand_over: Option<super::visit::hand_over::HandOverBox>,
}

impl TodayPage {
    /// I am one of the visitors of a visit that is out: the page warns against logging out.
    fn out_visiting(&self) -> bool {
        self.cards.iter().any(|c| c.i_visit && c.out())
    }
}

struct Row {
    id: i64,
    pupil: String,
    family: String,
    when: String,
    status_label: &'static str,
}

#[derive(Deserialize)]
struct TodayQuery {
    done: Option<String>,
    /// The visit the step was taken on (after leaving early for safety).
    visit: Option<String>,
}

fn flash(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "signed-out" => "You are signed out of school. Stay safe, and check in when asked.",
        "arrived" => "Arrival recorded.",
        "nobody-home" => "Recorded that nobody was home. Leave the slip or card.",
        "left" => "Recorded that you have left the property.",
        "left-early" => {
            "Recorded that you left early because you felt unsafe. Your buddy and the DSL have been told: get somewhere safe, then report what happened."
        }
        "cancelled-at-door" => {
            "Visit cancelled at the door. Tap Back at school or Home safe when you are."
        }
        "turned-back" => {
            "Recorded that you turned back; your buddy has been told. Tap Back at school or Home safe when you are."
        }
        "returned" => "Welcome back. The visit is closed for the office.",
        "checked-in" => "Check-in sent.",
        "extended" => "More time recorded; your times have moved on.",
        "panic" => "Alarm raised: school is being alerted now. If you are in danger, call 999.",
        "panic-cancelled" => "Panic cancelled: no alarm was sent.",
        "duress" => {
            "Silent alarm raised: senior staff are being alerted now. Call 999 now and ask for the police. Keep the visitors talking if you can, and do not tell them an alarm was raised."
        }
        "observation" => "Reported: the safeguarding team is being told now.",
        "buddy-handed-over" => {
            "The buddy role is handed over: the new buddy and the visitors have been told."
        }
        _ => return None,
    })
}

async fn today(ctx: Ctx, PageQuery(q): PageQuery<TodayQuery>) -> Result<Response, WebError> {
    let mut page = build(&ctx, flash(q.done.as_deref()), Errors::none(), 0).await?;
    if q.done.as_deref() == Some("left-early") {
        // The incident form checks who may report on the visit; a bad number shows no link.
        page.report_incident = q
            .visit
            .and_then(|v| v.parse::<i64>().ok())
            .map(|v| format!("/incidents/new?visit_id={v}"));
    }
    Ok(render_with(StatusCode::OK, &page))
}

async fn build(
    ctx: &Ctx,
    flash: Option<&'static str>,
    errors: Errors,
    error_visit: i64,
) -> Result<TodayPage, WebError> {
    let now = ctx.state.clock().now();
    let mine = app::visits::list(
        &ctx.state,
        &ctx.me,
        app::visits::VisitQuery {
            mine: Some(true),
            ..Default::default()
        },
    )
    .await?;
    let local = ctx.local().await?;
    let today = local.date_of(now);
    // Ready to go: today's, and an evening visit leaving just after midnight.
    let ready = |v: &VisitSummary| {
        // Under way, or ready to go today: these get the big buttons.
        v.status.is_under_way()
            // D6: called off at the door today: back at school to tap, then the reschedule offer.
            || (called_off(v.status) && local.date_of(v.planned_leave_school) == today)
            || (v.status == VisitStatus::Authorised
                && (local.date_of(v.planned_leave_school) <= today
                    || v.planned_leave_school <= now + READY_AHEAD))
    };
    let mut shown = Vec::new();
    let mut others = Vec::new();
    // Under way first, then ready to go, soonest first.
    let mut sorted: Vec<&VisitSummary> = mine.iter().collect();
    sorted.sort_by_key(|v| (!v.status.is_under_way(), v.planned_leave_school));
    let mut waiting = 0;
    for v in sorted {
        let out = v.status.is_under_way() || called_off(v.status);
        if ready(v) && (out || waiting < MAX_CARDS) {
            waiting += usize::from(!out);
            shown.push(v.id);
        } else if !matches!(
            v.status,
            VisitStatus::RecordCompleted
                | VisitStatus::Cancelled
                | VisitStatus::Rescheduled
                | VisitStatus::Declined
        ) || local.date_of(v.planned_leave_school) == today
        {
            others.push(Row {
                id: v.id.0,
                pupil: v.pupil_name.clone(),
                family: v.family_name.clone(),
                when: local.day_time(v.planned_leave_school),
                status_label: v.status.label(),
            });
        }
    }
    // One read per kind of record for every card together, not a round of reads per card.
    let facts = app::out_on_visit::cards(&ctx.state, &ctx.me, &shown).await?;
    // The hand-over's choice of colleagues, read once per school rather than per card, and only
    // for a visit out that the person watches rather than goes on.
    let mut staff = std::collections::HashMap::new();
    for f in &facts {
        let school = f.visit.school_id;
        let visitor = f.visit.staff.iter().any(|s| s.staff_id == ctx.me.id);
        if f.visit.state.is_out() && !visitor && !staff.contains_key(&school) {
            staff.insert(school, app::access::school_staff(&ctx.state, school).await?);
        }
    }
    let mut cards = Vec::with_capacity(facts.len());
    let mut reads = Vec::with_capacity(facts.len());
    for f in facts {
        let school = f.visit.school_id;
        let hand_over = super::visit::hand_over::hand_over_box_among(
            ctx,
            &f.visit,
            staff.get(&school).map(Vec::as_slice),
        )
        .await?;
        let (card, read) = card(ctx, f, now, hand_over);
        cards.push(card);
        reads.push(read);
    }
    app::audit::audit_reads(&ctx.state, &ctx.me, &reads).await?;
    let (pinned_visit, others_out) = help_bar(&cards);
    // The pinned bar's visit is the first card, so the bar and the card at the top agree.
    cards.sort_by_key(|c| c.id != pinned_visit);
    Ok(TodayPage {
        chrome: ctx.chrome("today"),
        flash,
        report_incident: None,
        cards,
        pinned_visit,
        others_out,
        others,
        errors,
        error_visit,
    })
}

/// The visit's deadline of `kind` the visitor still owes. A deadline that is met is not kept (the
/// next check-in replaces it, leaving the property swaps it for the return, being back ends the
/// watch), so every stored one is owed: still pending, or fired and shown overdue next to the
/// missed-check-in box, since the visitor must still check in, leave or get back.
fn first_of(deadlines: &[DeadlineRow], kind: DeadlineKind) -> Option<&DeadlineRow> {
    let still_owed = |state: DeadlineState| match state {
        DeadlineState::Pending | DeadlineState::Fired => true,
    };
    deadlines
        .iter()
        .filter(|d| d.kind == kind && still_owed(d.state))
        .min_by_key(|d| d.due_at)
}

/// One visit's card, and the read of it (code word included) for the audit trail.
fn card(
    ctx: &Ctx,
    f: app::out_on_visit::CardFacts,
    now: DateTime<Utc>,
    hand_over: Option<super::visit::hand_over::HandOverBox>,
) -> (Card, app::audit::Read) {
    let app::out_on_visit::CardFacts {
        visit,
        code_word_shown,
        policy,
        household,
        pupil,
        watch,
        deadlines,
        check_ins,
        buddy,
        status,
    } = f;
    let read = app::audit::Read {
        action: app::permissions::visit_read_action(code_word_shown),
        subject_type: "visit",
        subject_id: visit.id.0,
        school: visit.school_id,
    };
    let local = Local::of(&policy.settings);
    let buddy = buddy.map(|s| Person {
        name: s.name,
        mobile: crate::web::shown(s.mobile.as_ref()),
    });
    let (help, missed, closed) = match status {
        Some(status) => {
            let (help, missed) = alarm::lines(&status, &local);
            (help, missed, status.closed)
        }
        None => (None, None, None),
    };
    let due = |kind| first_of(&deadlines, kind).map(|d| Due::new(d.due_at, now, &local));
    let card = Card {
        id: visit.id.0,
        status: visit.status,
        pupil,
        family: household.family_name,
        address: household.address,
        postcode: household.postcode.to_string(),
        landline: crate::web::shown(household.landline.as_ref()),
        staff: visit
            .staff
            .iter()
            .map(|s| Person {
                name: s.name.clone(),
                mobile: crate::web::shown(s.mobile.as_ref()),
            })
            .collect(),
        buddy,
        i_visit: visit.staff.iter().any(|s| s.staff_id == ctx.me.id),
        code_word: visit.code_word.clone().unwrap_or_default(),
        leave_school: local.time(visit.planned_leave_school),
        arrive: local.time(visit.planned_arrive),
        leave_property: local.time(visit.planned_leave_property),
        back: local.time(visit.planned_return),
        returns_home: visit.returns_to == "home",
        next_due: due(DeadlineKind::CheckIn),
        leave_by: due(DeadlineKind::LeaveProperty),
        back_by: due(DeadlineKind::Return),
        last_contact: watch
            .as_ref()
            .map(|w| local.time(w.last_contact_at))
            .unwrap_or_default(),
        check_ins,
        extend_minutes: policy.settings.check_in.extend_minutes,
        arrival_optional: policy.settings.check_in.arrived == ArrivalRule::Optional,
        client_ref: uuid::Uuid::new_v4().to_string(),
        pin_ref: uuid::Uuid::new_v4().to_string(),
        extend_ref: uuid::Uuid::new_v4().to_string(),
        alarm_ref: uuid::Uuid::new_v4().to_string(),
        tz: local.tz_name(),
        help,
        missed,
        closed,
        watched: watch.is_some(),
        hand_over,
    };
    (card, read)
}
