//! CPU-heavy work (password hashing, reading uploaded files) on the blocking pool, at most one
//! job per core at a time for each kind of work. A flood of sign-ins or uploads waits its turn
//! instead of filling the blocking pool (512 threads) and starving every other request, and the
//! memory a kind of work can hold at once is bounded by its number of slots.

use crate::error::AppError;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// One kind of heavy work with its own slots.
pub struct Slots {
    what: &'static str,
    semaphore: OnceLock<Arc<Semaphore>>,
}

/// Argon2 takes 19 MiB and a core for tens of milliseconds per hash.
pub static PASSWORDS: Slots = Slots::new("password hashing");
/// Uploaded rosters and question banks: each may inflate to a few hundred MB of XML.
pub static FILES: Slots = Slots::new("reading an uploaded file");

/// The work did not end within its deadline (it goes on in the background and its result is
/// dropped; its slot stays taken until it ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut;

impl Slots {
    const fn new(what: &'static str) -> Self {
        Self {
            what,
            semaphore: OnceLock::new(),
        }
    }

    fn semaphore(&self) -> Arc<Semaphore> {
        self.semaphore
            .get_or_init(|| {
                let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
                Arc::new(Semaphore::new(cores))
            })
            .clone()
    }

    /// Runs `work` once a slot is free and waits for it.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        run_on(&self.semaphore(), self.what, work).await
    }

    /// Runs `work` once a slot is free and waits at most `deadline` (slot wait included).
    pub async fn run_until<T: Send + 'static>(
        &self,
        deadline: Duration,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<Result<T, TimedOut>, AppError> {
        match tokio::time::timeout(deadline, self.run(work)).await {
            Ok(done) => done.map(Ok),
            Err(_) => Ok(Err(TimedOut)),
        }
    }
}

/// The slot travels with the work: a caller that stops waiting does not free it early.
async fn run_on<T: Send + 'static>(
    semaphore: &Arc<Semaphore>,
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let slot = semaphore
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AppError::internal(what, e))?;
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        work()
    })
    .await
    .map_err(|e| AppError::internal(what, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn work_never_runs_more_than_its_slots_at_once_even_when_callers_give_up() {
        let semaphore = Arc::new(Semaphore::new(2));
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let (semaphore, running, most) = (semaphore.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    let job = run_on(&semaphore, "test", move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    });
                    // Every other caller stops waiting almost at once.
                    let patience = Duration::from_millis(if i % 2 == 0 { 1 } else { 10_000 });
                    let _ = tokio::time::timeout(patience, job).await;
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("task");
        }
        // Let the abandoned jobs that had started finish.
        while semaphore.available_permits() < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }
}
