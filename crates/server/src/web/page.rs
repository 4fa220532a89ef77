//! What every page shares: the signed-in person ([`Ctx`]), the frame around each page
//! ([`Chrome`]), field errors ([`Errors`]) and the error pages ([`WebError`]).

pub use super::failure::{Failure, Unmet, WebError};
use crate::AppState;
use crate::auth::{CurrentStaff, TapStaff};
use crate::error::ApiError;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::header::CACHE_CONTROL;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::{Role, SchoolId};
use store::Staff;

/// The signed-in member of staff, and the use cases (`state` derefs to [`app::App`]).
pub struct Ctx {
    pub state: AppState,
    pub me: Staff,
    /// Senior role grants waiting for `me` to approve or refuse: the navigation links to
    /// "Approvals" while there are any.
    pub approvals: usize,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let me = CurrentStaff::from_request_parts(parts, state)
            .await
            .map(|s| s.0);
        let mut ctx = Ctx::signed_in(parts, state, me)?;
        // Asks the store only for people who may approve (the use case answers others at once),
        // and only when the session's read found a grant waiting in the trust.
        let waiting = parts.extensions.get::<crate::auth::GrantsWaiting>();
        if waiting.is_some_and(|w| !w.0) {
            return Ok(ctx);
        }
        ctx.approvals = app::accounts::grants_needing_approval(state, &ctx.me)
            .await?
            .grants
            .iter()
            .filter(|g| g.may_approve)
            .count();
        Ok(ctx)
    }
}

/// A [`Ctx`] for a tap on the Today page of the visit in the path: a visitor out on it is signed
/// in for it however old their session (see [`TapStaff`]).
pub struct TapCtx(pub Ctx);

impl FromRequestParts<AppState> for TapCtx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let me = TapStaff::from_request_parts(parts, state)
            .await
            .map(|s| s.0);
        Ctx::signed_in(parts, state, me).map(TapCtx)
    }
}

impl Ctx {
    /// The context of `me`, or the sign-in page that comes back to this address.
    fn signed_in(
        parts: &Parts,
        state: &AppState,
        me: Result<Staff, ApiError>,
    ) -> Result<Ctx, WebError> {
        let me = match me {
            Ok(me) => me,
            Err(ApiError::Unauthenticated) => {
                return Err(WebError::SignIn {
                    next: come_back_to(parts),
                });
            }
            Err(e) => return Err(e.into()),
        };
        Ok(Ctx {
            state: state.clone(),
            me,
            approvals: 0,
        })
    }
}

/// Where to come back after signing in: this page; for a form post, the page the form was on
/// (its Referer), where drafts.js offers what was typed again (a post's own address may answer
/// only posts). The login page keeps only local paths.
fn come_back_to(parts: &Parts) -> String {
    let this = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    if parts.method == axum::http::Method::GET {
        return this.to_string();
    }
    parts
        .headers
        .get(axum::http::header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.parse::<axum::http::Uri>().ok())
        .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
        .unwrap_or_else(|| "/".to_string())
}

/// Which parts of the app a person's roles open. The server checks again on every action.
#[derive(Debug, Clone, Copy)]
pub struct Flags {
    pub visits: bool,
    pub authorises: bool,
    pub watches: bool,
    /// A member of the school's staff (the chair of governors alone is not).
    pub staff: bool,
    /// The DSL, the safeguarding team and the head: safeguarding concerns (A4).
    pub safeguarding: bool,
    /// Records for the head (A10): the head; about the head, the chair and the trust.
    pub head_only: bool,
}

pub use app::permissions::{ALARM_WATCHERS as WATCHERS, DECIDERS};

mod errors;
pub use errors::{Errors, anchor};

impl Ctx {
    pub fn chrome_flags(&self) -> Flags {
        let roles = &self.me.roles;
        Flags {
            visits: roles.any_of(&app::permissions::VISITORS) || roles.any_of(&DECIDERS),
            authorises: roles.any_of(&DECIDERS),
            watches: roles.any_of(&WATCHERS),
            staff: roles.iter().any(|r| r != Role::ChairOfGovernors),
            safeguarding: roles.any_of(&[
                Role::Dsl,
                Role::DeputyDsl,
                Role::SafeguardingTeam,
                Role::Headteacher,
            ]),
            head_only: roles.any_of(&[Role::Headteacher, Role::TrustAdmin, Role::ChairOfGovernors]),
        }
    }

    /// The frame of a page; `current` names the navigation entry to mark.
    pub fn chrome(&self, current: &'static str) -> Chrome {
        let f = self.chrome_flags();
        if !f.staff {
            return Chrome {
                name: self.me.name.clone(),
                nav: self.with_approvals(vec![
                    NavItem::new("/head-only", "For the head", "head-only"),
                    NavItem::new("/reports/governors", "Governors' report", "reports"),
                    NavItem::new("/drills", "Drills", "drills"),
                ]),
                current,
            };
        }
        let mut nav = vec![NavItem::new("/today", "Today", "today")];
        if f.visits {
            nav.push(NavItem::new("/visits/new", "Plan a visit", "plan"));
        }
        if f.authorises {
            nav.push(NavItem::new("/authorise", "Authorise", "authorise"));
        }
        if f.watches {
            nav.push(NavItem::new("/board", "Office board", "board"));
        }
        nav.push(NavItem::new("/actions", "My actions", "actions"));
        nav.push(NavItem::new("/incidents", "Incidents", "incidents"));
        if f.safeguarding {
            nav.push(NavItem::new(
                "/safeguarding",
                "Safeguarding",
                "safeguarding",
            ));
        }
        if f.head_only {
            nav.push(NavItem::new("/head-only", "For the head", "head-only"));
        }
        nav.push(NavItem::new("/households", "Households", "households"));
        nav.push(NavItem::new("/staff", "Staff", "staff"));
        nav.push(NavItem::new("/policy", "Policy", "policy"));
        nav.push(NavItem::new("/exports", "Exports", "exports"));
        if self.me.roles.any_of(&app::permissions::REPORT_READERS) {
            nav.push(NavItem::new(
                "/reports/governors",
                "Governors' report",
                "reports",
            ));
            // The drill report is read by the same people; the head and DSL also run drills.
            nav.push(NavItem::new("/drills", "Drills", "drills"));
        }
        if self.me.roles.any_of(&app::permissions::AUDIT_READERS) {
            nav.push(NavItem::new("/audit", "Audit trail", "audit"));
        }
        // `doorstep demo` only: the messages kept instead of sent, for those who may read them.
        if self.state.demo_outbox() && self.me.roles.any_of(&app::permissions::DEMO_OUTBOX_READERS)
        {
            nav.push(NavItem::new("/outbox", "Demo outbox", "outbox"));
        }
        if self.me.roles.any_of(&app::permissions::MIS_IMPORTERS) {
            nav.push(NavItem::new("/imports", "Import", "imports"));
        }
        if self.me.roles.any_of(&app::permissions::SSO_SETTERS) {
            nav.push(NavItem::new("/trust/sign-in", "Sign-in", "sign-in"));
        }
        Chrome {
            name: self.me.name.clone(),
            nav: self.with_approvals(nav),
            current,
        }
    }

    /// The navigation, with "Approvals (n)" first while grants wait for this person.
    fn with_approvals(&self, mut nav: Vec<NavItem>) -> Vec<NavItem> {
        if self.approvals > 0 {
            let mut item = NavItem::new("/approvals", "Approvals", "approvals");
            item.count = Some(self.approvals);
            nav.insert(0, item);
        }
        nav
    }

    /// The school a page is about: the one asked for (trust administrators), or the person's own.
    pub async fn school(&self, asked: Option<i64>) -> Result<SchoolId, WebError> {
        match (asked, self.me.school_id) {
            (None, Some(own)) => Ok(own),
            (None, None) => {
                let schools = app::school::schools_of_my_trust(&self.state, &self.me).await?;
                schools
                    .first()
                    .map(|s| s.id)
                    .ok_or_else(|| ApiError::NotFound("school".into()).into())
            }
            (Some(id), _) => {
                Ok(app::access::school_in_scope(&self.state, &self.me, Some(id)).await?)
            }
        }
    }

    /// The school's clock (the policy's time zone).
    pub async fn local(&self) -> Result<super::time::Local, WebError> {
        let school = self.school(None).await?;
        let policy = app::school::current_policy(&self.state, &self.me, school).await?;
        Ok(super::time::Local::of(&policy.settings))
    }

    /// The schools this person may switch between (more than one only for a trust administrator).
    pub async fn school_choices(&self, current: SchoolId) -> Result<Vec<Choice>, WebError> {
        if !self.me.roles.has(Role::TrustAdmin) {
            return Ok(vec![]);
        }
        let schools = app::school::schools_of_my_trust(&self.state, &self.me).await?;
        Ok(schools
            .into_iter()
            .map(|s| Choice::new(s.id.0.to_string(), s.name, s.id == current))
            .collect())
    }
}

/// One entry of a `<select>` or a group of radio buttons.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, selected: bool) -> Self {
        Choice {
            value: value.into(),
            label: label.into(),
            selected,
        }
    }
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub key: &'static str,
    /// How many things wait there, shown after the label.
    pub count: Option<usize>,
}

impl NavItem {
    fn new(href: &'static str, label: &'static str, key: &'static str) -> Self {
        NavItem {
            href,
            label,
            key,
            count: None,
        }
    }
}

/// The frame around every signed-in page.
pub struct Chrome {
    pub name: String,
    pub nav: Vec<NavItem>,
    pub current: &'static str,
}

/// Renders a template as a page. Pages carry personal data: never cached by the browser.
pub fn render<T: Template>(template: &T) -> Response {
    render_with(StatusCode::OK, template)
}

pub fn render_with<T: Template>(status: StatusCode, template: &T) -> Response {
    match template.render() {
        Ok(html) => (
            status,
            [(CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            Html(html),
        )
            .into_response(),
        Err(e) => WebError::from(Failure::internal(format!("template: {e}"))).into_response(),
    }
}

/// Where to go after a form, if the form named a page of this site (see [`crate::edge::safe_path`]).
pub fn local_path(raw: &str, default: &str) -> String {
    crate::edge::safe_path(raw, default)
}

pub fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}
