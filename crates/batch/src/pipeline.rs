//! The bounded, ordered parallel map: one thread hands out items and consumes results in
//! item order; rayon's workers do the work, never more than `in_flight` items at a time.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc;

/// A bounded hand-over from a reading thread to the pipeline.
pub(crate) fn feed<T>(bound: usize) -> (mpsc::SyncSender<T>, mpsc::Receiver<T>) {
    mpsc::sync_channel(bound.max(1))
}

/// Runs `work` on every item on the rayon pool and gives the results to `sink` in item order,
/// on the calling thread. A work item that panics gives `Err(())` (and nothing is lost but
/// that item's result).
pub(crate) fn ordered<T, R>(
    items: impl Iterator<Item = T>,
    in_flight: usize,
    work: impl Fn(T) -> R + Sync,
    mut sink: impl FnMut(Result<R, ()>),
) where
    T: Send,
    R: Send,
{
    let in_flight = in_flight.max(1) as u64;
    let (tx, rx) = mpsc::channel::<(u64, Result<R, ()>)>();
    let mut pending: BTreeMap<u64, Result<R, ()>> = BTreeMap::new();
    let (mut sent, mut next) = (0u64, 0u64);
    let mut deliver = |pending: &mut BTreeMap<u64, Result<R, ()>>, next: &mut u64| {
        while let Some(r) = pending.remove(next) {
            sink(r);
            *next += 1;
        }
    };
    rayon::in_place_scope(|scope| {
        let work = &work;
        for item in items {
            while sent - next >= in_flight {
                match rx.recv() {
                    Ok((k, r)) => {
                        pending.insert(k, r);
                    }
                    Err(_) => return,
                }
                deliver(&mut pending, &mut next);
            }
            let tx = tx.clone();
            let k = sent;
            scope.spawn(move |_| {
                let r = std::panic::catch_unwind(AssertUnwindSafe(|| work(item))).map_err(|_| ());
                let _ = tx.send((k, r));
            });
            sent += 1;
            while let Ok((k, r)) = rx.try_recv() {
                pending.insert(k, r);
            }
            deliver(&mut pending, &mut next);
        }
        while next < sent {
            match rx.recv() {
                Ok((k, r)) => {
                    pending.insert(k, r);
                }
                Err(_) => return,
            }
            deliver(&mut pending, &mut next);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_and_panics_are_errors() {
        let mut got = Vec::new();
        ordered(
            0..200u32,
            3,
            |i| {
                assert!(i != 77, "boom");
                std::thread::sleep(std::time::Duration::from_micros(u64::from(200 - i)));
                i * 2
            },
            |r| got.push(r.ok()),
        );
        assert_eq!(got.len(), 200);
        assert_eq!(got[77], None);
        assert!(got
            .iter()
            .enumerate()
            .all(|(i, r)| i == 77 || *r == Some(i as u32 * 2)));
    }
}
