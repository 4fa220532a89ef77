//! Access is decided in the use-case layer ([`app::access`]); the audit trail is written there too.

pub use app::access::*;
pub use app::audit::*;
