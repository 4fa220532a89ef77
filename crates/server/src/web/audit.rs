//! `/audit`: the audit trail as a page, for the people who may read it (the DSL, a deputy DSL,
//! the head; a trust administrator for the trust). Filtered by days, person and action, newest
//! first, a page at a time ("Older entries"). Everything — who may read it, which rows are hidden
//! by need-to-know (an allegation's rows from the person it concerns), and the audit of the look
//! itself — is `app::safeguarding::audit_trail`'s, the same use case as `GET /api/audit`.

use super::page::{Choice, Chrome, Ctx, Errors, WebError, render_with};
use crate::AppState;
use crate::web::PageQuery;
use app::Refusal;
use app::safeguarding::{AuditQuery, audit_trail};
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashMap;

/// Rows on one page.
const PAGE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(page))
}

/// The filter as typed: every field may be left empty.
#[derive(Deserialize, Default)]
struct Filter {
    from: Option<String>,
    to: Option<String>,
    person: Option<String>,
    action: Option<String>,
    before: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl Filter {
    /// The filter as the use case takes it; what is not a date or a person is refused naming
    /// its field.
    fn checked(&self) -> Result<AuditQuery, Refusal> {
        let date = |field: &'static str, v: &Option<String>| match given(v) {
            None => Ok(None),
            Some(v) => v.parse::<NaiveDate>().map(Some).map_err(|_| {
                Refusal::invalid(field, format!("'{v}' is not a date like 2026-09-01"))
            }),
        };
        let number = |field: &'static str, v: &Option<String>, what: &str| match given(v) {
            None => Ok(None),
            Some(v) => v
                .parse::<i64>()
                .map(Some)
                .map_err(|_| Refusal::invalid(field, format!("choose {what} from the list"))),
        };
        Ok(AuditQuery {
            from: date("from", &self.from)?,
            to: date("to", &self.to)?,
            actor_staff_id: number("person", &self.person, "a person")?,
            action: given(&self.action).map(str::to_string),
            before_id: number("before", &self.before, "a page")?,
            limit: Some(PAGE),
            ..AuditQuery::default()
        })
    }

    /// The filter as a query string, for the next page's link.
    fn query_before(&self, before: i64) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("from", &self.from),
            ("to", &self.to),
            ("person", &self.person),
            ("action", &self.action),
        ] {
            if let Some(v) = given(v) {
                q.append_pair(k, v);
            }
        }
        q.append_pair("before", &before.to_string());
        q.finish()
    }
}

struct Row {
    when: String,
    who: String,
    /// What was done in plain words ("authorised a visit"), D5.
    words: String,
    /// The action's key (`visit.authorised`), as the API and exports give it.
    action: String,
    about: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct Page {
    chrome: Chrome,
    errors: Errors,
    from: String,
    to: String,
    action: String,
    people: Vec<Choice>,
    rows: Vec<Row>,
    /// The link to the next (older) page, when this page was full.
    older: Option<String>,
}

async fn page(ctx: Ctx, PageQuery(filter): PageQuery<Filter>) -> Result<Response, WebError> {
    let (status, errors, rows) = match filter.checked() {
        Ok(q) => match audit_trail(&ctx.state, &ctx.me, &q).await {
            Ok(rows) => (StatusCode::OK, Errors::none(), rows),
            Err(e) if e.is_fixable() && !matches!(e, Refusal::Forbidden(_)) => {
                let errors = Errors::from_refusal(e, &["from", "to", "person", "action"], "from");
                (StatusCode::UNPROCESSABLE_ENTITY, errors, vec![])
            }
            Err(e) => return Err(e.into()),
        },
        Err(e) => {
            let errors = Errors::from_refusal(e, &["from", "to", "person", "action"], "from");
            (StatusCode::UNPROCESSABLE_ENTITY, errors, vec![])
        }
    };
    let staff = app::school_admin::staff_list(&ctx.state, &ctx.me, None).await?;
    let names: HashMap<i64, String> = staff.iter().map(|s| (s.id.0, s.name.clone())).collect();
    let chosen = given(&filter.person).unwrap_or("");
    let mut people = vec![Choice::new("", "Everyone", chosen.is_empty())];
    people.extend(staff.iter().map(|s| {
        let id = s.id.0.to_string();
        let selected = id == chosen;
        Choice::new(id, s.name.clone(), selected)
    }));
    let local = ctx.local().await?;
    // A page shorter than asked for may still have older rows (some were hidden), so the link
    // follows the last row the store gave whenever the page came back full.
    let older = (rows.len() as i64 >= PAGE)
        .then(|| {
            rows.last()
                .map(|r| format!("/audit?{}", filter.query_before(r.id)))
        })
        .flatten();
    let rows = rows
        .into_iter()
        .map(|r| Row {
            when: local.day_time(r.at),
            who: r.actor_staff_id.map_or_else(
                || "Doorstep".to_string(),
                |id| {
                    names
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| format!("staff {id}"))
                },
            ),
            words: app::audit::words::action_words(&r.action),
            action: r.action,
            about: match r.subject_id {
                Some(id) => format!("{} {id}", r.subject_type.replace('_', " ")),
                None => r.subject_type.replace('_', " "),
            },
        })
        .collect();
    let page = Page {
        chrome: ctx.chrome("audit"),
        errors,
        from: given(&filter.from).unwrap_or("").to_string(),
        to: given(&filter.to).unwrap_or("").to_string(),
        action: given(&filter.action).unwrap_or("").to_string(),
        people,
        rows,
        older,
    };
    Ok(render_with(status, &page))
}
