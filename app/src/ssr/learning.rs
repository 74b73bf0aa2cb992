//! Learning: the quiz engine, a learner's results and the certificates they earn. The core of
//! Netra: it knows nothing of webinars, assignments or accounts' roles; features built on it
//! choose where an attempt is taken and react to what it reports.

pub mod certificates;
pub mod item_stats;
pub mod quiz;
pub mod results;
