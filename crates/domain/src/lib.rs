//! Doorstep's domain: the words a school uses for home visits, and the rules that govern them.
//!
//! This crate is pure: no database, no network, no clock. Time is always passed in. Everything that
//! crosses into the system from outside is parsed into a type here, or refused naming the field.

pub mod device;
pub mod ids;
pub mod inputs;
pub mod monitor;
pub mod policy;
pub mod recorded;
pub mod records;
pub mod reports;
pub mod risk;
pub mod roles;
pub mod safeguarding;
pub mod sms_reply;
pub mod stored;
pub mod tap;
pub mod text;
pub mod upn;
pub mod visit;

pub use ids::*;
pub use inputs::FieldError;
pub use roles::{Role, RoleSet};
pub use text::{Line, MultiLine};
pub use upn::Upn;
