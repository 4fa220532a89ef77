//! The edge (#12 items 2, 4, 5): brute-force protection on sign-in, security headers and cookie
//! flags with `--public-url https://…`, hostile redirects, and control characters in input.

mod brute_force;
mod headers;
mod hostile_input;
mod input;
