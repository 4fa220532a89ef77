//! A school's home-visit policy as data, and the one evaluator that judges a visit against it.
//!
//! Each field is one rule a headteacher could point at in the school's policy text. A preset
//! (see [`presets`]) is a file of these settings for one of the five real policies; a school starts
//! from a preset and changes settings, and each change is stored as a new policy version.

mod advisory;
mod calendar;
pub mod changes;
mod check;
mod evaluate;
mod evening;
mod governance;
pub mod limits;
mod office_hours;
pub mod presets;
mod reasons;
mod records_access;
mod second_factor;
mod slip;
pub mod time_of_day;
mod toml_errors;

pub use advisory::{ADVISABLE, check_advisory_reason};
pub use calendar::{CalendarRule, Term, WorkingHours, next_time_on_school_day};
use evaluate::unmet;
pub use evaluate::{
    Appointment, BuddyFacts, RiskFacts, Stage, TransportFacts, Unmet, VehicleFacts, VisitFacts,
    VisitorFacts, evaluate,
};
pub use evening::spans_evening;
pub use governance::{AcknowledgementRule, ApprovingBody};
pub use office_hours::within_working_hours;
pub use reasons::ReasonDefaults;
pub use records_access::RecordsAccess;
pub use second_factor::SecondFactorRule;
pub use slip::{SlipRule, UnansweredSlip};

use crate::inputs::FieldError;
use crate::roles::Role;
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicySettings {
    /// The policy's title, as the school calls it.
    pub name: String,
    /// IANA time zone the school's clock runs on (evenings, end of the working day).
    pub timezone: String,
    /// G1: how often the policy is reviewed (1 to 60 months), and who approves it.
    pub review_every_months: u32,
    pub approver: String,
    /// P1: the reasons a visit may be made.
    pub reason_categories: Vec<ReasonCategory>,
    /// P1, P12: per-reason defaults (usual length, staff), keyed by reason category. Settings
    /// stored before this rule read as none.
    #[serde(default)]
    pub reasons: BTreeMap<String, ReasonDefaults>,
    /// P2: "could the parents come into school instead?" must be answered "no" before a request.
    pub ask_parents_come_in_first: bool,
    /// P7: the school calendar (school days, terms, working hours) and the rules that use it.
    #[serde(default)]
    pub calendar: CalendarRule,
    /// P7, P12: the staffing and timing rules this policy advises rather than requires, by
    /// setting name (see [`ADVISABLE`]); unmet, they need a typed reason, not a change of plan.
    #[serde(default)]
    pub advisory_rules: Vec<String>,
    /// A2: what to do for an alarm, in the school's words, by alarm kind (`panic`,
    /// `slip_deadline_passed`, …); replaces the general guidance on that alarm's messages.
    #[serde(default)]
    pub alarm_instructions: BTreeMap<String, String>,
    /// P4: an unannounced visit must say why.
    pub unannounced_needs_reason: bool,
    pub authorisation: Authorisation,
    pub staffing: Staffing,
    pub buddy: BuddyRule,
    pub risk_assessment: RiskAssessmentRule,
    pub travel: TravelRule,
    pub household: HouseholdRule,
    pub animals: AnimalsRule,
    pub check_in: CheckInRule,
    pub slip: SlipRule,
    pub incident_report: IncidentReportRule,
    /// A2: who is told, how, and when, while a visitor is overdue. Ordered by `after_minutes`.
    pub escalation: Vec<EscalationLevel>,
    /// A9: how long involvement lasts after a visit; how long a break-glass opening lasts.
    #[serde(default)]
    pub records_access: RecordsAccess,
    /// A9: a recent second factor before reading safeguarding history. Settings stored before
    /// this rule read as on, for 15 minutes.
    #[serde(default)]
    pub second_factor: SecondFactorRule,
    /// A2, no alarm goes quiet: once the ladder's last rung has fired and nobody has acknowledged
    /// the alarm, the top rung is sent again every this many minutes (1–60), to the top rung's
    /// people and to [`PolicySettings::safety_responders`], until a person acknowledges or
    /// resolves it. 5 in every preset. Settings stored before this rule read as 5.
    #[serde(default = "default_repeat_minutes")]
    pub repeat_top_rung_every_minutes: u32,
    /// Everyone the policy names as responsible for staff who do not come back, told by every
    /// repeat of the top rung. From each policy's "if staff do not return" section: the office
    /// and line manager, then the DSL (Harton §8); the buddy, then a senior leader (REAch2 "After
    /// the home visit"); the office and the headteacher or senior manager (HSP); the headteacher
    /// and safeguarding team (St Joseph's); the headteacher, DSL and senior staff (SEN Trust
    /// §4.2–4.3). Never the visitors: they are the people missing. Settings stored before this
    /// rule read as the office, senior leaders, the DSL, the safeguarding team and the head.
    #[serde(default = "default_safety_responders")]
    pub safety_responders: Vec<Recipient>,
    /// G2: whether staff must confirm reading the current version before signing out.
    #[serde(default)]
    pub acknowledgement: AcknowledgementRule,
}

fn default_repeat_minutes() -> u32 {
    5
}

fn default_safety_responders() -> Vec<Recipient> {
    vec![
        Recipient::Office,
        Recipient::SeniorLeader,
        Recipient::Dsl,
        Recipient::SafeguardingTeam,
        Recipient::Headteacher,
    ]
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonCategory {
    pub key: String,
    pub label: String,
}

/// P9, P10: who authorises, and what they must acknowledge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Authorisation {
    pub roles: Vec<Role>,
    pub caution_flags_must_be_acknowledged: bool,
}

/// P12: how many go, and when one may go alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Staffing {
    pub minimum: u32,
    pub first_visit_minimum: u32,
    /// A repeat visit may be made alone after a signed-off assessment found it low risk after controls.
    pub lone_when_low_risk_after_controls: bool,
    /// A visit may be made alone when jointly co-ordinated with another agency's professional.
    pub lone_when_joint_with_agency: bool,
    pub evening: Option<EveningRule>,
    /// Reasons that must be led by a particular role (HSP: attendance visits by the attendance lead plus one).
    #[serde(default)]
    pub category_leads: Vec<CategoryLead>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EveningRule {
    #[schema(value_type = String)]
    #[serde(with = "time_of_day")]
    pub starts: NaiveTime,
    pub lone_needs_backup_at_school: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryLead {
    pub category: String,
    pub role: Role,
    pub minimum_staff: u32,
}

/// P5: the buddy at school and the code word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuddyRule {
    pub required: bool,
    pub code_word: CodeWordRule,
    /// P5, #13: who may be the buddy, by role; a named buddy must hold one of them. Empty: any
    /// member of staff based at school (REAch2: "a member of staff based at school who is
    /// accessible"); schools often narrow it ("a member of SLT or the office"). Settings stored
    /// before this rule, and every preset, read as empty.
    #[serde(default)]
    pub roles: Vec<Role>,
}

impl BuddyRule {
    /// Roles never based at school, so never a buddy, whatever a policy lists (the EWO, a trust
    /// administrator, the chair of governors).
    pub const NOT_AT_SCHOOL: [Role; 3] = [Role::Ewo, Role::TrustAdmin, Role::ChairOfGovernors];

    /// Whether someone holding `roles` may be the buddy: any of [`BuddyRule::roles`], or anyone
    /// when it is empty.
    pub fn allows(&self, roles: &crate::RoleSet) -> bool {
        self.roles.is_empty() || roles.any_of(&self.roles)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CodeWordRule {
    Always,
    /// Harton: "if working as a pair, agree a code word".
    WhenPaired,
    Optional,
}

/// P8: when a risk assessment is needed, who signs it off, and whether staff acknowledge it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskAssessmentRule {
    pub required_for: RiskAssessmentRequiredFor,
    /// Later visits need the household's assessment on file for review (REAch2).
    pub repeat_visits_need_one_on_file: bool,
    pub sign_off_roles: Vec<Role>,
    pub staff_must_acknowledge: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskAssessmentRequiredFor {
    Never,
    FirstVisit,
    EveryVisit,
}

/// P6, P12: vehicles, driver documents and transporting a pupil.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TravelRule {
    pub driver_documents_valid_on_the_day: bool,
    pub transport_minimum_staff: u32,
    pub car_seat_under_years: u32,
    pub car_seat_under_height_cm: u32,
    pub transport_needs_business_insurance: bool,
    pub pupil_sits_in_the_back: bool,
}

/// P10: a household where staff met aggression takes no new appointment until reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdRule {
    pub block_after_aggression: bool,
    pub review_roles: Vec<Role>,
}

/// D6: animals put away, or the visit is cancelled (SEN Trust).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnimalsRule {
    pub must_be_secured: bool,
    pub cancel_if_refused: bool,
}

/// D3: how often visitors check in, and how much grace before the ladder starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInRule {
    pub interval_minutes: u32,
    pub grace_minutes: u32,
    pub remind_before_minutes: u32,
    pub extend_minutes: u32,
    /// #13: whether staff must tap "arrived" at the house. Settings stored before this rule
    /// read as required (the monitor then raises "no word of arrival").
    #[serde(default)]
    pub arrived: ArrivalRule,
}

/// #13: the "arrived" tap, required or optional.
///
/// - `Required`: staff tap "arrived" at the house; with no tap by the planned arrival plus the
///   grace minutes the monitor raises "no word of arrival" and climbs the ladder; "left the
///   property" is refused until they have arrived. REAch2: "the time you are expected to arrive
///   and leave the property" is recorded before staff leave.
/// - `Optional`: the policy asks only for contact during and after the visit (Harton 6.3 "every
///   30 minutes/at the end of the home visit(s)"); staff may tap "left" without "arrived", and
///   no arrival alarm is raised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalRule {
    #[default]
    Required,
    Optional,
}

/// A5: the incident report and when it is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentReportRule {
    pub due_to: Role,
    #[schema(value_type = String)]
    #[serde(with = "time_of_day")]
    pub working_day_ends: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationLevel {
    /// Minutes after the missed deadline (plus grace) at which this level fires.
    pub after_minutes: u32,
    pub notify: Vec<Recipient>,
    pub channels: Vec<Channel>,
    /// What the people told should do, in the policy's words.
    pub instruction: String,
    /// The rung the policy marks for the police contact (REAch2: "contact the police to report
    /// the individuals missing"; Harton: "contact with the police should be considered"): its
    /// e-mails, in-app messages and webhook carry the full information pack (names, phones, car,
    /// address, last contact). Every other rung, and every SMS, carries only a link to the pack
    /// behind sign-in. Duress and panic always carry it: the buddy makes the 999 call at once.
    #[serde(default)]
    pub information_pack: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    Visitors,
    Buddy,
    Office,
    SeniorLeader,
    Dsl,
    /// A deputy designated safeguarding lead.
    DeputyDsl,
    SafeguardingTeam,
    Headteacher,
    /// The attendance lead (first-day absence protocols).
    AttendanceLead,
    /// The education welfare officer(s) of the school.
    Ewo,
    /// Each visitor's own line manager (Harton §8: "the office and line manager").
    LineManager,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    InApp,
    Email,
    Sms,
    Webhook,
}

impl PolicySettings {
    /// Parses settings from TOML, then checks they make sense together. Errors: the setting's
    /// path and what to type instead (`check_in.interval_minutes`: "enter a whole number of
    /// minutes, like 30"), or `settings` naming the line of a mistake in the text itself.
    pub fn from_toml(text: &str) -> Result<Self, FieldError> {
        let settings: PolicySettings =
            toml::from_str(text).map_err(|e| toml_errors::explain(text, &e))?;
        settings.check()?;
        Ok(settings)
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::Europe::London)
    }

    pub fn category(&self, key: &str) -> Option<&ReasonCategory> {
        self.reason_categories.iter().find(|c| c.key == key)
    }

    pub fn may_authorise(&self, roles: &crate::RoleSet) -> bool {
        roles.any_of(&self.authorisation.roles)
    }
}
