//! How to ask for each field of a request, in a school office's words, by the field's name:
//! `planned_arrive` is "when you plan to arrive", `takes_effect_on` "the date the change takes
//! effect". A name not listed is read from its words (`change_note`: "the change note").

/// How to ask for a field and what it is, e.g. `("Enter", "when you plan to arrive")`.
pub(super) fn ask(leaf: &str) -> (&'static str, String) {
    match known(leaf) {
        Some((verb, what)) => (verb, what.to_string()),
        None => {
            let words = leaf.replace('_', " ");
            match words.strip_suffix(" id") {
                Some(thing) => ("Choose", format!("the {thing}")),
                None => ("Enter", format!("the {words}")),
            }
        }
    }
}

fn known(leaf: &str) -> Option<(&'static str, &'static str)> {
    Some(match leaf {
        "planned_arrive" => ("Enter", "when you plan to arrive"),
        "planned_leave_school" => ("Enter", "when you plan to leave school"),
        "planned_leave_property" => ("Enter", "when you plan to leave the house"),
        "planned_return" => ("Enter", "when you plan to be back at school"),
        "school_id" => ("Choose", "the school"),
        "schools" => ("Choose", "the schools"),
        "to_staff_id" => ("Choose", "who takes over as buddy"),
        "buddy_staff_id" => ("Choose", "the buddy"),
        "backup_staff_id" => ("Choose", "who is at school as back-up"),
        "staff_id" | "owner_staff_id" | "about_staff_id" => ("Choose", "the member of staff"),
        "actor_staff_id" => ("Choose", "who did it"),
        "line_manager_id" => ("Choose", "the line manager"),
        "household_id" | "household" => ("Choose", "the household"),
        "pupil_id" => ("Choose", "the pupil"),
        "visit_id" => ("Choose", "the visit"),
        "alarm_id" => ("Choose", "the alarm"),
        "record_id" | "subject_id" => ("Choose", "the record"),
        "subject_type" => ("Choose", "what kind of record"),
        "before_id" => ("Give", "the entry to list those before"),
        "limit" => ("Enter", "how many to list"),
        "email" => ("Enter", "the e-mail address"),
        "password" => ("Enter", "the password"),
        "name" => ("Enter", "the name"),
        "family_name" => ("Enter", "the family's name"),
        "pupil_name" => ("Enter", "the pupil's name"),
        "purpose" => ("Enter", "why the visit is needed"),
        "expect_to_see" => ("Enter", "who you expect to see"),
        "note" | "notes" | "comment" => ("Enter", "the note"),
        "change_note" => ("Enter", "why the policy changes"),
        "reason" => ("Enter", "the reason"),
        "advisory_reason" => (
            "Enter",
            "why the visit goes ahead without what the policy advises",
        ),
        "kind" | "category" | "reason_category" => ("Choose", "what kind it is"),
        "roles" | "role" => ("Choose", "the role"),
        "role_on_visit" => ("Choose", "their role on the visit"),
        "postcode" => ("Enter", "the postcode, e.g. SS9 4AW"),
        "address" => ("Enter", "the address"),
        "phone" | "landline" => ("Enter", "the phone number"),
        "mobile" => ("Enter", "the mobile number"),
        "status" => ("Choose", "the status"),
        "outcome" => ("Enter", "the outcome"),
        "action_required" => ("Enter", "what action is needed"),
        "caller" | "caller_staff_id" => ("Choose", "who phoned in"),
        "appointment" => ("Give", "the appointment"),
        "level" | "risk_level" | "overall" => ("Choose", "the risk level"),
        "risk_before_controls" => ("Choose", "the risk before controls"),
        "risk_after_controls" => ("Choose", "the risk after controls"),
        "concern" => ("Enter", "the concern"),
        "label" => ("Enter", "a name for the link"),
        "scope" => ("Choose", "whose visits to show"),
        "code" => ("Enter", "the 6-digit code from the app"),
        "code_word" => ("Enter", "the code word"),
        "latitude" => ("Give", "the latitude"),
        "longitude" => ("Give", "the longitude"),
        "accuracy_m" => ("Give", "how accurate the location is, in metres"),
        "visitors" | "staff" | "members" | "visitor_ids" => ("Choose", "who is going"),
        "pupils" => ("Choose", "the pupils"),
        "hazards" | "property_hazards" => ("List", "the hazards"),
        "title" => ("Enter", "the title"),
        "description" | "detail" => ("Enter", "what happened"),
        "severity" => ("Choose", "how serious it is"),
        "occurred_at" => ("Enter", "when it happened"),
        "received_at" => ("Enter", "when it was received"),
        "raised_by_name" => ("Enter", "who raised it"),
        "tapped_at" => ("Enter", "when you tapped"),
        "left_at" => ("Enter", "when the slip was left"),
        "respond_by" => ("Enter", "the time written on the slip"),
        "responded_at" => ("Enter", "when the family answered"),
        "ends_at" => ("Enter", "when it ends"),
        "due_on" | "due_to" => ("Enter", "when it is due"),
        "takes_effect_on" => ("Enter", "the date the change takes effect"),
        "date_of_birth" => ("Enter", "the date of birth"),
        "year_group" => ("Enter", "the year group"),
        "height_cm" | "pupil_height_cm" => ("Enter", "the pupil's height in centimetres"),
        "pupil_age_years" => ("Enter", "the pupil's age in years"),
        "registration" => ("Enter", "the car's registration"),
        "make_model" => ("Enter", "the car's make and model"),
        "mot_expires" => ("Enter", "when the MOT runs out"),
        "insurance_expires" => ("Enter", "when the insurance runs out"),
        "licence_expires" => ("Enter", "when the driving licence runs out"),
        "business_insurance" => ("Say", "whether the car has business insurance"),
        "car_seat" => ("Say", "whether the pupil has a car seat"),
        "rear_seat" => ("Say", "whether the pupil sits in the back"),
        "joint_agency" => ("Enter", "the other agency on a joint visit"),
        "parents_could_come_in" => ("Say", "whether the parents could come into school instead"),
        "parents_come_in_note" => ("Enter", "why the parents cannot come into school"),
        "acknowledge_cautions" => ("Confirm", "you have read the household's cautions"),
        "lives_at_address" => ("Say", "whether they live at the address"),
        "parental_responsibility" => ("Say", "whether they have parental responsibility"),
        "early_for_safety" => ("Say", "whether you left early for your safety"),
        "at_home" => ("Say", "whether you are at home"),
        "police_called" => ("Say", "whether the police were called"),
        "dry_run" => ("Say", "whether this is only a trial run"),
        "school_may_change" => ("List", "the settings each school may change"),
        "settings" => ("Enter", "the policy settings"),
        "preset" => ("Choose", "the policy to start from"),
        "minutes" | "extend_minutes" => ("Enter", "how many minutes"),
        "csv" | "xml" => ("Attach", "the file"),
        "next" | "return_to" => ("Give", "the page to go back to"),
        "current_password" => ("Enter", "your current password"),
        "new_password" => ("Enter", "the new password"),
        _ => return None,
    })
}

/// The values a whole-number field outside the policy takes, where a rule narrows its type's
/// ("0 or more" would contradict it).
pub(super) fn whole_number_rule(leaf: &str) -> Option<&'static str> {
    match leaf {
        // Staff ask for 1 to 240 minutes more (`app::out_on_visit::extend`).
        "minutes" | "extend_minutes" => Some("a whole number between 1 and 240"),
        _ => None,
    }
}
