//! Risk assessments: the REAch2 first-visit questionnaire (Appendix 2) and the SEN Trust
//! lone-working hazard matrix (Appendix A), with risk before and after control measures.

use crate::inputs::{self, FieldError};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

impl RiskLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
        }
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RiskLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "low" => Ok(RiskLevel::Low),
            "medium" => Ok(RiskLevel::Medium),
            "high" => Ok(RiskLevel::High),
            other => Err(format!(
                "unknown risk level '{other}'; use low, medium or high"
            )),
        }
    }
}

/// The nine yes/no questions of the REAch2 initial home visit risk assessment, in its words.
pub const QUESTIONS: [(&str, &str); 9] = [
    (
        "violent_offences",
        "Is anyone in the household known for violent offences?",
    ),
    (
        "drugs_or_alcohol",
        "Is anyone in the household known to misuse drugs or alcohol?",
    ),
    (
        "risks_from_other_agencies",
        "Have any risks been identified by any other agencies?",
    ),
    ("pets", "Are there any pets in the household?"),
    ("pets_threatening", "Are they threatening?"),
    (
        "intimidating_people",
        "Are you aware of any intimidating/threatening clients, relatives or friends living at or likely to visit the property?",
    ),
    (
        "property_hazards",
        "Are there any dangers/hazards associated with the property?",
    ),
    (
        "meet_outside_home",
        "Do you think contact should be made outside of the home?",
    ),
    (
        "safety_measures_in_place",
        "Are you confident all safety measures are in place?",
    ),
];

/// Answers to [`QUESTIONS`], keyed by the question's key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Questionnaire {
    pub violent_offences: bool,
    pub drugs_or_alcohol: bool,
    pub risks_from_other_agencies: bool,
    pub pets: bool,
    pub pets_threatening: bool,
    pub intimidating_people: bool,
    pub property_hazards: bool,
    pub meet_outside_home: bool,
    pub safety_measures_in_place: bool,
}

impl Questionnaire {
    /// The answer to the question with this key of [`QUESTIONS`]; `None` for an unknown key.
    pub fn answer(&self, key: &str) -> Option<bool> {
        let mut q = self.clone();
        q.slot(key).map(|a| *a)
    }

    /// Records the answer to the question with this key; `false` for an unknown key.
    pub fn set(&mut self, key: &str, yes: bool) -> bool {
        match self.slot(key) {
            Some(a) => {
                *a = yes;
                true
            }
            None => false,
        }
    }

    fn slot(&mut self, key: &str) -> Option<&mut bool> {
        Some(match key {
            "violent_offences" => &mut self.violent_offences,
            "drugs_or_alcohol" => &mut self.drugs_or_alcohol,
            "risks_from_other_agencies" => &mut self.risks_from_other_agencies,
            "pets" => &mut self.pets,
            "pets_threatening" => &mut self.pets_threatening,
            "intimidating_people" => &mut self.intimidating_people,
            "property_hazards" => &mut self.property_hazards,
            "meet_outside_home" => &mut self.meet_outside_home,
            "safety_measures_in_place" => &mut self.safety_measures_in_place,
            _ => return None,
        })
    }

    /// The policy asks for details of every "yes" that signals a concern. A "no" to
    /// "confident all safety measures are in place" is itself a concern.
    pub fn concerns_raised(&self) -> bool {
        self.violent_offences
            || self.drugs_or_alcohol
            || self.risks_from_other_agencies
            || self.pets_threatening
            || self.intimidating_people
            || self.property_hazards
            || self.meet_outside_home
            || !self.safety_measures_in_place
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Minor,
    Serious,
    Major,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Likelihood {
    Remote,
    Possible,
    Likely,
}

/// One row of the lone-working hazard matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Hazard {
    pub hazard: String,
    pub people_at_risk: String,
    pub severity: Severity,
    pub likelihood: Likelihood,
    pub controls: String,
}

impl Hazard {
    /// Severity × likelihood, the usual 3×3 matrix.
    pub fn risk_level(&self) -> RiskLevel {
        let s = self.severity as u8 + 1;
        let l = self.likelihood as u8 + 1;
        match s * l {
            // Major harm with a remote likelihood is "Low" in the SEN Trust's own matrix.
            1..=3 => RiskLevel::Low,
            4..=5 => RiskLevel::Medium,
            _ => RiskLevel::High,
        }
    }
}

/// What a member of staff submits as a risk assessment, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RiskAssessmentInput {
    pub questionnaire: Option<Questionnaire>,
    #[serde(default)]
    pub hazards: Vec<Hazard>,
    #[serde(default)]
    pub areas_of_concern: String,
    pub risk_before_controls: RiskLevel,
    #[serde(default)]
    pub control_measures: String,
    pub risk_after_controls: RiskLevel,
}

impl RiskAssessmentInput {
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.questionnaire.is_none() && self.hazards.is_empty() {
            return Err(FieldError::new(
                "questionnaire",
                "answer the questionnaire or fill in at least one row of the hazard matrix",
            ));
        }
        inputs::optional_text("areas_of_concern", &self.areas_of_concern, 4000)?;
        inputs::optional_text("control_measures", &self.control_measures, 4000)?;
        if self
            .questionnaire
            .as_ref()
            .is_some_and(Questionnaire::concerns_raised)
            && self.areas_of_concern.trim().is_empty()
        {
            return Err(FieldError::new(
                "areas_of_concern",
                "a question was answered with a concern; give further details, as the form asks",
            ));
        }
        if self.risk_after_controls > self.risk_before_controls {
            return Err(FieldError::new(
                "risk_after_controls",
                "cannot be higher than the risk before control measures",
            ));
        }
        if self.risk_after_controls < self.risk_before_controls
            && self.control_measures.trim().is_empty()
        {
            return Err(FieldError::new(
                "control_measures",
                "say which control measures lower the risk",
            ));
        }
        for (i, h) in self.hazards.iter().enumerate() {
            inputs::text(&format!("hazards[{i}].hazard"), &h.hazard, 300)?;
            inputs::optional_text(&format!("hazards[{i}].controls"), &h.controls, 2000)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(before: RiskLevel, after: RiskLevel, controls: &str) -> RiskAssessmentInput {
        RiskAssessmentInput {
            questionnaire: Some(Questionnaire {
                safety_measures_in_place: true,
                ..Default::default()
            }),
            hazards: vec![],
            areas_of_concern: String::new(),
            risk_before_controls: before,
            control_measures: controls.into(),
            risk_after_controls: after,
        }
    }

    #[test]
    fn risk_cannot_rise_after_controls_and_a_fall_needs_controls() {
        assert_eq!(
            input(RiskLevel::Low, RiskLevel::High, "")
                .validate()
                .unwrap_err()
                .field,
            "risk_after_controls"
        );
        assert_eq!(
            input(RiskLevel::High, RiskLevel::Low, "")
                .validate()
                .unwrap_err()
                .field,
            "control_measures"
        );
        assert!(
            input(
                RiskLevel::High,
                RiskLevel::Low,
                "two staff, meet at the door"
            )
            .validate()
            .is_ok()
        );
    }

    #[test]
    fn a_concern_needs_details() {
        let mut i = input(RiskLevel::Medium, RiskLevel::Medium, "");
        i.questionnaire = Some(Questionnaire {
            violent_offences: true,
            safety_measures_in_place: true,
            ..Default::default()
        });
        assert_eq!(i.validate().unwrap_err().field, "areas_of_concern");
    }

    #[test]
    fn hazard_matrix_levels() {
        let h = |s, l| Hazard {
            hazard: "dog".into(),
            people_at_risk: "staff".into(),
            severity: s,
            likelihood: l,
            controls: String::new(),
        };
        assert_eq!(
            h(Severity::Major, Likelihood::Remote).risk_level(),
            RiskLevel::Low
        );
        assert_eq!(
            h(Severity::Serious, Likelihood::Possible).risk_level(),
            RiskLevel::Medium
        );
        assert_eq!(
            h(Severity::Minor, Likelihood::Remote).risk_level(),
            RiskLevel::Low
        );
        assert_eq!(
            h(Severity::Major, Likelihood::Likely).risk_level(),
            RiskLevel::High
        );
    }

    #[test]
    fn every_question_has_an_answer_that_can_be_set_and_read() {
        let mut q = Questionnaire::default();
        for (key, _) in QUESTIONS {
            assert_eq!(q.answer(key), Some(false), "{key}");
            assert!(q.set(key, true), "{key}");
            assert_eq!(q.answer(key), Some(true), "{key}");
        }
        assert!(!q.set("shoe_size", true));
        assert_eq!(q.answer("shoe_size"), None);
    }
}
