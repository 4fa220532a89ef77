//! Read batching: the same read asked for by many requests at the same moment is done once for
//! all of them, as one query over their keys (`where key in (…)`), the way group commit does
//! for writes. Nothing is cached: each read starts after it was asked for, so it sees every
//! commit made before (a logout, a role change, a visit's new state).

use std::future::Future;
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc, oneshot};

/// The most keys in one batch.
const MAX_BATCH: usize = 64;
/// Batches being read at once.
const IN_FLIGHT: usize = 4;

/// `None` when the batch read failed: the caller then reads alone, for its own error.
type Reply<V> = oneshot::Sender<Option<Option<V>>>;

/// A handle on a batching reader task. Cheap to clone; the task ends when every handle is dropped.
pub struct ReadBatcher<K, V> {
    asks: mpsc::Sender<(K, Reply<V>)>,
}

impl<K, V> Clone for ReadBatcher<K, V> {
    fn clone(&self) -> Self {
        ReadBatcher {
            asks: self.asks.clone(),
        }
    }
}

impl<K, V> ReadBatcher<K, V>
where
    K: Clone + PartialEq + Send + Sync + 'static,
    V: Clone + Send + 'static,
{
    /// Starts the task on the current tokio runtime. `read` reads the values of distinct keys
    /// and returns those found, each with its key.
    pub fn spawn<F, Fut>(read: F) -> Self
    where
        F: Fn(Vec<K>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<(K, V)>, store::StoreError>> + Send + 'static,
    {
        let (asks, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(rx, read));
        ReadBatcher { asks }
    }

    /// The value of `key` (`Some(None)`: there is none), or `None` when the batched read could
    /// not be done and the caller should read alone.
    pub async fn get(&self, key: K) -> Option<Option<V>> {
        let (reply, answer) = oneshot::channel();
        self.asks.send((key, reply)).await.ok()?;
        answer.await.ok().flatten()
    }
}

async fn run<K, V, F, Fut>(mut rx: mpsc::Receiver<(K, Reply<V>)>, read: F)
where
    K: Clone + PartialEq + Send + Sync + 'static,
    V: Clone + Send + 'static,
    F: Fn(Vec<K>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<(K, V)>, store::StoreError>> + Send + 'static,
{
    let in_flight = Arc::new(Semaphore::new(IN_FLIGHT));
    while let Some(first) = rx.recv().await {
        // While every reader is busy, more asks gather in the channel for the next batch.
        let Ok(permit) = in_flight.clone().acquire_owned().await else {
            return;
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(ask) => batch.push(ask),
                Err(_) => break,
            }
        }
        let mut keys: Vec<K> = Vec::with_capacity(batch.len());
        for (k, _) in &batch {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
        let reading = read(keys);
        tokio::spawn(async move {
            let _permit = permit;
            match reading.await {
                Ok(found) => {
                    for (k, reply) in batch {
                        let v = found
                            .iter()
                            .find(|(fk, _)| *fk == k)
                            .map(|(_, v)| v.clone());
                        let _ = reply.send(Some(v));
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, batch.size = batch.len(), "a batched read failed; reading one by one");
                    for (_, reply) in batch {
                        let _ = reply.send(None);
                    }
                }
            }
        });
    }
}
