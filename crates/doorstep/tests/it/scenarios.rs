//! Scenarios from the five school policies, as a member of staff would live them through the API:
//! what is refused, which rule the refusal names, and what lets the visit go ahead.

mod arrival;
mod authorisation;
mod board_push;
mod buddy_roles;
mod buddy_rules;
mod demo_outbox;
mod drills;
mod feed_push;
mod hand_over;
mod import_upload;
mod imports;
mod in_progress;
mod left_early;
mod need_to_know;
mod phone;
mod phone_out;
mod plan_times;
mod policy_api_errors;
mod policy_approval;
mod policy_editing;
mod policy_form_errors;
mod policy_sections;
mod policy_withdrawal;
mod practice_drills;
mod reports;
mod risk_and_travel;
mod school_admin;
mod session_settings;
mod sessions;
mod staffing;
mod stream_sessions;
mod tester_report;
mod tester_taps;
mod texts_in;
mod today_cards;
mod trust_adoption;
mod turn_back;
mod vocabulary;

use crate::helpers::{
    Answer, PASSWORD, Session, TRUST_ADMIN, TestApp, for_each_backend, requirements, today,
    visit_id, visitor,
};
use axum::http::StatusCode;
use chrono::Duration;
use serde_json::{Value, json};

const OK: StatusCode = StatusCode::OK;
const CREATED: StatusCode = StatusCode::CREATED;
const FORBIDDEN: StatusCode = StatusCode::FORBIDDEN;
const NOT_FOUND: StatusCode = StatusCode::NOT_FOUND;
