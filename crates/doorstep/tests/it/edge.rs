//! The edge (#12 items 2, 4, 5): brute-force protection on sign-in, security headers and cookie
//! flags with `--public-url https://…`, hostile redirects, and hostile input over JSON and forms.

mod brute_force;
mod headers;
mod hostile_forms;
mod hostile_input;
mod input;
mod more_time;
mod query_types;
mod words;
