//! The sentence beside each setting of the policy editor (#13 item 5): what the setting does, in
//! a school's words, with its unit and, for a whole number, the values it takes. No help quotes
//! a school's policy by name: every school sees the same words, so none reads another school's
//! policy as if it were its own.

/// Help for every setting the editor shows as one control, by its path.
const HELP: &[(&str, &str)] = &[
    (
        "name",
        "The policy's title as the school writes it: one line, at most 120 characters.",
    ),
    (
        "timezone",
        "The time zone the school's clock runs on, like Europe/London; evenings and the working day are judged on it.",
    ),
    (
        "review_every_months",
        "How many months after approval the policy is due for review; the head is reminded a month before.",
    ),
    (
        "approver",
        "The body that approves the policy, like \"Governing body\" or \"Trust Board\"; its chair or the trust administrator records each approval.",
    ),
    (
        "ask_parents_come_in_first",
        "Staff say first whether the parents could come into school instead, before a visit is requested.",
    ),
    (
        "unannounced_needs_reason",
        "A visit the family is not told about beforehand records why.",
    ),
    (
        "repeat_top_rung_every_minutes",
        "Once the last rung of the alarm has gone out and nobody has acknowledged it, it is sent again every this many minutes.",
    ),
    (
        "safety_responders",
        "Everyone told by each repeat of the top rung until a person acknowledges the alarm; never the visiting staff, who are the ones missing.",
    ),
    (
        "advisory_rules",
        "Rules the policy advises rather than requires (\"in pairs where possible\"): unmet, staff give a reason the authoriser sees instead of changing the plan.",
    ),
    (
        "authorisation.roles",
        "Who may authorise a visit before staff leave; any one of the ticked roles.",
    ),
    (
        "authorisation.caution_flags_must_be_acknowledged",
        "The authoriser confirms they have read the household's cautions before authorising.",
    ),
    (
        "staffing.minimum",
        "The fewest members of staff on any visit: 2 for \"visits are made in pairs\", 1 where lone visits are allowed.",
    ),
    (
        "staffing.first_visit_minimum",
        "The fewest members of staff on a first visit to a household.",
    ),
    (
        "staffing.lone_when_low_risk_after_controls",
        "A repeat visit may be made alone when a signed-off risk assessment found it low risk after controls.",
    ),
    (
        "staffing.lone_when_joint_with_agency",
        "A visit may be made alone when it is made jointly with another agency's professional.",
    ),
    (
        "staffing.evening.starts",
        "The time of day (school clock, HH:MM) from which a visit counts as an evening visit, judged on the whole visit, across midnight.",
    ),
    (
        "staffing.evening.lone_needs_backup_at_school",
        "A lone evening visit needs a named member of staff at school as back-up for the whole visit.",
    ),
    (
        "buddy.required",
        "Every visit names a buddy at school who is reachable for the whole visit.",
    ),
    (
        "buddy.code_word",
        "When the visitors agree a code word with the buddy: always, when_paired (two or more go) or optional.",
    ),
    (
        "buddy.roles",
        "Who may be the buddy at school; any one of the ticked roles. Tick none for any member of staff based at school.",
    ),
    (
        "risk_assessment.required_for",
        "Which visits need a signed-off risk assessment before they are authorised: never, first_visit or every_visit.",
    ),
    (
        "risk_assessment.repeat_visits_need_one_on_file",
        "A later visit to a household needs that household's risk assessment on file for review.",
    ),
    (
        "risk_assessment.sign_off_roles",
        "Who may sign off a risk assessment; any one of the ticked roles.",
    ),
    (
        "risk_assessment.staff_must_acknowledge",
        "The visiting staff confirm they have read the signed-off risk assessment before they leave.",
    ),
    (
        "travel.driver_documents_valid_on_the_day",
        "A driver's licence, MOT and insurance must be valid on the day of the visit.",
    ),
    (
        "travel.transport_minimum_staff",
        "The fewest members of staff in the car when a pupil is transported.",
    ),
    (
        "travel.car_seat_under_years",
        "A pupil younger than this many years uses a car seat.",
    ),
    (
        "travel.car_seat_under_height_cm",
        "A pupil shorter than this many centimetres uses a car seat.",
    ),
    (
        "travel.transport_needs_business_insurance",
        "A car carrying a pupil needs business-use insurance.",
    ),
    (
        "travel.pupil_sits_in_the_back",
        "A transported pupil sits in the back of the car.",
    ),
    (
        "household.block_after_aggression",
        "After staff meet aggression at a household, no new visit is arranged there until it has been reviewed.",
    ),
    (
        "household.review_roles",
        "Who may review a household blocked after aggression; any one of the ticked roles.",
    ),
    (
        "animals.must_be_secured",
        "The family is asked to put animals away before staff go in.",
    ),
    (
        "animals.cancel_if_refused",
        "Staff call the visit off at the door when animals are not put away.",
    ),
    (
        "check_in.interval_minutes",
        "How often, in minutes, visiting staff check in with school while they are out.",
    ),
    (
        "check_in.grace_minutes",
        "Minutes after a missed check-in before the alarm ladder starts.",
    ),
    (
        "check_in.arrived",
        "Required: staff tap \"Arrived\" at the house, and if no tap comes by the planned arrival time plus the grace minutes the buddy and office are alerted. Optional: staff may tap \"Leaving now\" without \"Arrived\", and no arrival alert is sent.",
    ),
    (
        "check_in.remind_before_minutes",
        "Minutes before a check-in is due that the visiting staff are reminded.",
    ),
    (
        "check_in.extend_minutes",
        "The extra minutes staff get with one tap when a visit runs on.",
    ),
    (
        "slip.response_hours",
        "Hours after the slip goes through the door by which the family should answer, when no time of day is set.",
    ),
    (
        "slip.respond_by_time",
        "The time of day (school clock, HH:MM) by which the family answers, like \"contact the school by 11:00\".",
    ),
    (
        "slip.staff_write_the_deadline",
        "Staff write the deadline on the slip themselves and type it in when they leave it.",
    ),
    (
        "slip.wording",
        "The slip's words; {child}, {deadline}, {school} and {phone} are filled in.",
    ),
    (
        "slip.unanswered.notify",
        "Who is told when a slip goes unanswered by its deadline.",
    ),
    (
        "slip.unanswered.channels",
        "How they are told when a slip goes unanswered.",
    ),
    (
        "slip.unanswered.instruction",
        "What they must do when a slip goes unanswered, in the school's words, like \"Ring 101 and report the child missing\".",
    ),
    (
        "incident_report.due_to",
        "The role an incident report goes to.",
    ),
    (
        "incident_report.working_day_ends",
        "The end of the working day (school clock, HH:MM); an incident report is due by then.",
    ),
    (
        "records_access.involvement_after_visit_days",
        "Days after a visit that its staff still see the household's records.",
    ),
    (
        "records_access.break_glass_minutes",
        "Minutes a break-glass opening of a record lasts.",
    ),
    (
        "second_factor.required",
        "Reading safeguarding history needs an authenticator code typed recently.",
    ),
    (
        "second_factor.step_up_minutes",
        "Minutes an authenticator code counts as recent.",
    ),
    (
        "acknowledgement.before_sign_out",
        "Staff confirm they have read the version in force before they sign out.",
    ),
    (
        "calendar.working_hours.starts",
        "When the working day starts (school clock, HH:MM).",
    ),
    (
        "calendar.working_hours.ends",
        "When the working day ends (school clock, HH:MM).",
    ),
    (
        "calendar.visits_only_on_school_days",
        "Visits take place only on school days: every day a visit touches is one.",
    ),
    (
        "calendar.visits_only_within_working_hours",
        "A visit starts and ends within the working hours of one day.",
    ),
    (
        "calendar.no_weekend_visits",
        "No minute of a visit falls on a Saturday or a Sunday.",
    ),
];

/// The help beside the setting at `path`; `None` for a setting without a sentence yet.
pub fn help(path: &str) -> Option<String> {
    if let Some(kind) = path.strip_prefix("alarm_instructions.") {
        return Some(format!(
            "What the people told of a {} alarm should do, in the school's words; leave empty for Doorstep's general guidance.",
            kind.replace('_', " ")
        ));
    }
    // A whole number's range is the one the policy check holds it to, never written twice.
    HELP.iter()
        .find(|(p, _)| *p == path)
        .map(|(_, h)| match domain::policy::limits::limit(path) {
            Some(l) => format!("{h} From {} to {} {}.", l.min, l.max, l.unit),
            None => (*h).to_string(),
        })
}
