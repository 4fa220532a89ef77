//! Running a school in Doorstep: its households and pupils (P3, P10), its staff with their
//! vehicles and driver documents (P6), the school and its policy versions (G1), risk
//! assessments with sign-off and acknowledgement (P8, G2), and signing in and out.
//!
//! Each function is one thing a person does or reads; the JSON API and the web pages both call
//! it. Access is asked of [`crate::access`]; every change is one transaction with its audit row.
//! No HTTP here (the session cookie stays in the server) and no SQL.

mod household_list;
mod households;
mod line_manager;
mod planning;
mod policy_approval;
mod policy_reading;
mod pupils;
mod risk;
mod schools;
mod session;
mod session_limits;
pub mod sign_in_guard;
mod sso;
mod sso_settings;
mod staff;
mod term_dates;
mod trust_adoption;
mod trust_policy;

/// A school this person works in: [`crate::access::visible_school`].
pub use crate::access::visible_school as school;
pub use household_list::{household_visits, households};
pub use households::{
    CautionInput, HOUSEHOLD_BLOCKERS, HouseholdDetail, MemberInput, NewHouseholdInput, ReasonInput,
    ReviewInput, add_caution, add_member, block_household, create_household, household, may_block,
    may_review, review_household,
};
pub use line_manager::{LineManagerInput, set_line_manager};
pub use planning::{household_for_planning, visit_household};
pub use policy_approval::{
    ApproveInput, DraftView, approve_policy, approving_body, bring_policies_into_force, may_draft,
    policy_draft, policy_drafts, version_changes, withdraw_policy,
};
pub use policy_reading::{
    AcknowledgementStatus, acknowledge_policy, acknowledgement_status, acknowledgement_status_of,
    has_read_current, remind_policy_reviews, require_read_before_sign_out,
};
pub use pupils::{NewPupilInput, PupilView, create_pupil, pupil, pupil_page, pupils};
pub use risk::{
    AssessmentDetail, AssessmentView, NewAssessmentInput, SignOffInput, acknowledge_assessment,
    assessment, assessments, create_assessment, latest_assessment, sign_off_assessment,
};
pub use schools::{
    NewSchoolInput, PolicyChange, PolicyChangeInput, Preset, adopt_policy, change_policy,
    create_school, create_school_on_preset, current_policy, policy_versions, preset_choices,
    presets, schools,
};
pub(crate) use session::verify_password;
pub use session::{
    LoginInput, SESSION_COOKIE_HOURS, SESSION_IDLE_HOURS, SESSION_MAX_HOURS, SignIn, SignedIn,
    hash_password, is_out_visiting, live_session, may_tap_while_out, sign_in, sign_out, token_hash,
};
pub use session_limits::{MIN_IDLE_MINUTES, SessionLimits};
pub use sso::{SsoRefused, VerifiedAccount, sign_in_verified};
pub use sso_settings::{
    SsoSettingsInput, SsoSettingsView, bootstrap_trust_sso, clear_trust_sso, set_trust_sso,
    sso_of_trust, trust_sso_settings, trusts_offering_sso,
};
pub use staff::{
    NewStaffInput, NewVehicleInput, StaffCreated, ValidStaff, add_vehicle, awaiting_note,
    create_staff, roles_awaiting_approval, set_my_duress_pin, staff_list, staff_member,
    validate_staff, vehicles,
};
pub use term_dates::{import_term_dates, terms_from_ics};
pub use trust_adoption::{AdoptInput, adopt_trust_policy, trust_policy_status};
pub use trust_policy::{TrustPolicyInput, set_trust_policy};
