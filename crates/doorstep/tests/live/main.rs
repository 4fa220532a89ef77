//! Tests that run the real `doorstep` binary: killed with SIGKILL and restarted, and two
//! instances sharing one PostgreSQL database. The processes run on a shifted clock
//! (`DOORSTEP_CLOCK_START`) so deadlines fall while they are down without anyone waiting.

mod bench;
mod door;
mod durability;
mod full_disk;
mod process;
mod take_over;
